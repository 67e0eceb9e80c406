"""Audio for the self-check: decoded once here, so the original pipeline and the engine see the
very same 16 kHz samples (the engine gets them as a float32 WAV, which it reads exactly)."""
import struct

import numpy as np

SAMPLE_RATE = 16000


def _read_wav(path):
    """PCM 16/24/32-bit or IEEE float 32/64 WAV -> (float64 samples averaged over channels, rate)."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] != b'RIFF' or data[8:12] != b'WAVE':
        return None
    pos, fmt, pcm = 12, None, None
    while pos + 8 <= len(data):
        chunk, size = data[pos:pos + 4], struct.unpack('<I', data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if chunk == b'fmt ':
            fmt = struct.unpack('<HHIIHH', body[:16])
            if fmt[0] == 0xFFFE and len(body) >= 26:  # WAVE_FORMAT_EXTENSIBLE: the sub-format's tag
                fmt = (struct.unpack('<H', body[24:26])[0],) + fmt[1:]
        elif chunk == b'data':
            pcm = body
        pos += 8 + size + (size & 1)
    if fmt is None or pcm is None:
        raise ValueError(f'{path}: WAV without fmt or data chunk')
    tag, channels, rate, _, _, bits = fmt
    if tag == 3 and bits in (32, 64):
        x = np.frombuffer(pcm, dtype='<f4' if bits == 32 else '<f8').astype(np.float64)
    elif tag == 1 and bits == 16:
        x = np.frombuffer(pcm, dtype='<i2') / 32768.0
    elif tag == 1 and bits == 32:
        x = np.frombuffer(pcm, dtype='<i4') / 2147483648.0
    elif tag == 1 and bits == 24:
        b = np.frombuffer(pcm[:len(pcm) // 3 * 3], dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        x = ((b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8 >> 8) / 8388608.0
    else:
        raise ValueError(f'{path}: unsupported WAV format tag {tag} with {bits} bits')
    x = x[:len(x) // channels * channels].reshape(-1, channels).mean(axis=1)
    return x, rate


def load_audio(path):
    """Any recording -> float32 mono 16 kHz samples. WAV is read here; other formats need
    soundfile or torchaudio; another rate needs torchaudio (its resample)."""
    wav = _read_wav(path)
    if wav is not None:
        x, rate = wav
    else:
        try:
            import soundfile
            x, rate = soundfile.read(path, dtype='float64', always_2d=True)
            x = x.mean(axis=1)
        except ImportError:
            import torchaudio
            t, rate = torchaudio.load(path)
            x = t.double().mean(dim=0).numpy()
    if rate != SAMPLE_RATE:
        import torch
        import torchaudio.functional as AF
        x = AF.resample(torch.from_numpy(np.asarray(x, dtype=np.float64)), rate, SAMPLE_RATE).numpy()
    return np.asarray(x, dtype=np.float32)


def write_wav_f32(path, samples, rate=SAMPLE_RATE):
    """Mono IEEE float32 WAV."""
    pcm = np.asarray(samples, dtype='<f4').tobytes()
    header = b'RIFF' + struct.pack('<I', 4 + 26 + 8 + len(pcm)) + b'WAVE'
    fmt = b'fmt ' + struct.pack('<IHHIIHHH', 18, 3, 1, rate, rate * 4, 4, 32, 0)
    with open(path, 'wb') as f:
        f.write(header + fmt + b'data' + struct.pack('<I', len(pcm)) + pcm)
