// pcaudiolib's API for a G2P helper linked statically with espeak-ng (PA_STATIC_ESPEAK, the
// prebuilt package): the helper only turns text into phonemes and never opens an audio device,
// so "no device" stands in for pcaudiolib and its ALSA/PulseAudio dependencies.
// espeak-ng only calls these when asked to play audio (AUDIO_OUTPUT_PLAYBACK), which the helper
// never does; create_audio_device_object returning nullptr is espeak-ng's "no audio" case.
#include <cstddef>
#include <cstdint>

extern "C" {
struct audio_object;

audio_object* create_audio_device_object(const char*, const char*, const char*) { return nullptr; }
int audio_object_open(audio_object*, int, uint32_t, uint8_t) { return -1; }
void audio_object_close(audio_object*) {}
void audio_object_destroy(audio_object*) {}
int audio_object_write(audio_object*, const void*, size_t) { return -1; }
int audio_object_drain(audio_object*) { return -1; }
int audio_object_flush(audio_object*) { return -1; }
const char* audio_object_strerror(audio_object*, int) { return "no audio output in the pronunciation-engine G2P helper"; }
}
