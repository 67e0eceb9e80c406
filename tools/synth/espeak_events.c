/*
 * espeak_events: synthesise utterances with espeak-ng and dump the exact
 * sample positions of its phoneme and word events.
 *
 * Build:  cc -O2 -Wall -o espeak_events espeak_events.c -lespeak-ng -lsoxr
 *
 * Protocol: one job per line on stdin, tab-separated fields, one reply line
 * on stdout per job ("OK ..." or "ERR ..."), so a driver can keep a single
 * process (and a single espeak initialisation) for many utterances.
 *
 *   SYN <prefix> <voice> <rate> <pitch> <range> <seed> <out_rate> <mode> <input>
 *       mode "text": <input> is plain text.
 *       mode "phon": <input> is espeak phoneme mnemonics; it is wrapped in
 *                    [[ ]] and synthesised with espeakPHONEMES.
 *       Writes <prefix>.raw  int16 little-endian mono samples at espeak's
 *                            native rate (returned by espeak_Initialize),
 *              <prefix>.json events and phone segments (native-rate samples),
 *              <prefix>.f32  (only if out_rate > 0) float32 samples resampled
 *                            with libsoxr (linear phase, delay compensated)
 *                            to out_rate, length round(n * out_rate / rate).
 *       Reply: "OK <n_native_samples> <n_out_samples>".
 *   T2P <voice> <ipa 0|1> <separator codepoint or 0> <text>
 *       espeak_TextToPhonemes over every clause of <text>; the reply is
 *       "OK " followed by the clauses' phoneme strings joined by TAB.
 *
 * Timing facts (espeak-ng 1.51, speak_lib.h / speech.c MarkerEvent):
 *   espeak_EVENT.audio_position is milliseconds, truncated:
 *       (int)(sample * 1000.0 / samplerate)
 *   espeak_EVENT.sample is the exact sample offset of the event from the start
 *   of the message's audio ("internal use" in the header, but it is the value
 *   audio_position is computed from).  We use .sample, and check on every
 *   event that audio_position == (int)(sample*1000.0/rate) and that .sample
 *   never runs past the samples delivered so far + the current buffer.
 *
 * libc rand() is re-seeded with <seed> before each utterance: some voice
 * variants (breath, klatt voices) draw noise from rand(), so this makes an
 * utterance's audio independent of what the process synthesised before.
 */
#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <soxr.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
	int type;
	int sample;
	int audio_position;
	int text_position;
	int length;
	int number;
	char name[9];
} Ev;

static int16_t *g_wav;
static size_t g_n, g_cap;
static Ev *g_ev;
static size_t g_nev, g_evcap;
static int g_rate;
static int g_timing_errors;

/*
 * Sample provenance from espeak_ng_SetOutputHooks: wavegen calls one hook per
 * output sample -- outputSilence (PlaySilence: pauses, stop closures, echo
 * tails), outputVoiced (Wavegen: voiced frames), outputUnvoiced (PlayWave:
 * recorded noise, bursts).  Stored run-length encoded; hook count must equal
 * the number of samples delivered, otherwise the runs are dropped.
 */
typedef struct {
	char cls;
	size_t start, end;
} Run;
static Run *g_runs;
static size_t g_nruns, g_runcap, g_hook_n;

static void hook_sample(char cls)
{
	if (g_nruns && g_runs[g_nruns - 1].cls == cls && g_runs[g_nruns - 1].end == g_hook_n) {
		g_runs[g_nruns - 1].end = ++g_hook_n;
		return;
	}
	if (g_nruns == g_runcap) {
		g_runcap = g_runcap ? 2 * g_runcap : 256;
		g_runs = realloc(g_runs, g_runcap * sizeof(Run));
		if (!g_runs) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
	}
	g_runs[g_nruns].cls = cls;
	g_runs[g_nruns].start = g_hook_n;
	g_runs[g_nruns].end = ++g_hook_n;
	g_nruns++;
}
static void hook_pho(char *code, int type) { (void)code; (void)type; }
static void hook_silence(short v) { (void)v; hook_sample('S'); }
static void hook_voiced(short v) { (void)v; hook_sample('V'); }
static void hook_unvoiced(short v) { (void)v; hook_sample('U'); }

static int synth_cb(short *wav, int numsamples, espeak_EVENT *events)
{
	if (wav && numsamples > 0) {
		if (g_n + (size_t)numsamples > g_cap) {
			size_t cap = g_cap ? g_cap : 65536;
			while (cap < g_n + (size_t)numsamples)
				cap *= 2;
			g_wav = realloc(g_wav, cap * sizeof(int16_t));
			if (!g_wav) {
				fprintf(stderr, "out of memory\n");
				exit(2);
			}
			g_cap = cap;
		}
		memcpy(g_wav + g_n, wav, (size_t)numsamples * sizeof(int16_t));
	}
	for (espeak_EVENT *e = events; e && e->type != espeakEVENT_LIST_TERMINATED; e++) {
		if (g_nev == g_evcap) {
			g_evcap = g_evcap ? 2 * g_evcap : 256;
			g_ev = realloc(g_ev, g_evcap * sizeof(Ev));
			if (!g_ev) {
				fprintf(stderr, "out of memory\n");
				exit(2);
			}
		}
		Ev *v = &g_ev[g_nev++];
		memset(v, 0, sizeof(*v));
		v->type = e->type;
		v->sample = e->sample;
		v->audio_position = e->audio_position;
		v->text_position = e->text_position;
		v->length = e->length;
		if (e->type == espeakEVENT_PHONEME)
			memcpy(v->name, e->id.string, 8); /* may use all 8 bytes, no NUL */
		else if (e->type == espeakEVENT_WORD || e->type == espeakEVENT_SENTENCE)
			v->number = e->id.number;
		/* Consistency checks of the timing fields. */
		if (e->type != espeakEVENT_MSG_TERMINATED) {
			int ms = (int)(((double)e->sample * 1000.0) / g_rate);
			if (ms != e->audio_position)
				g_timing_errors++;
			if (e->sample < 0 || (size_t)e->sample > g_n + (size_t)(numsamples > 0 ? numsamples : 0))
				g_timing_errors++;
		}
	}
	if (wav && numsamples > 0)
		g_n += (size_t)numsamples;
	return 0;
}

static const char *type_name(int t)
{
	switch (t) {
	case espeakEVENT_WORD: return "word";
	case espeakEVENT_SENTENCE: return "sentence";
	case espeakEVENT_MARK: return "mark";
	case espeakEVENT_PLAY: return "play";
	case espeakEVENT_END: return "end";
	case espeakEVENT_MSG_TERMINATED: return "msg_terminated";
	case espeakEVENT_PHONEME: return "phoneme";
	case espeakEVENT_SAMPLERATE: return "samplerate";
	default: return "other";
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Split a line into at most max tab-separated fields (the last keeps tabs). */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == '\t') {
			*p = 0;
			f[n++] = p + 1;
		}
	}
	return n;
}

static int set_voice(const char *voice)
{
	static char current[128];
	if (strcmp(current, voice) == 0)
		return 0;
	if (espeak_SetVoiceByName(voice) != EE_OK)
		return -1;
	snprintf(current, sizeof current, "%s", voice);
	return 0;
}

static int write_json(const char *path, const char *voice, int rate, int pitch, int range,
		      const char *mode, const char *input)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "{\"sample_rate\":%d,\"n_samples\":%zu,\"voice\":", g_rate, g_n);
	json_str(f, voice);
	fprintf(f, ",\"rate\":%d,\"pitch\":%d,\"range\":%d,\"mode\":", rate, pitch, range);
	json_str(f, mode);
	fprintf(f, ",\"input\":");
	json_str(f, input);
	fprintf(f, ",\"timing_errors\":%d,\n\"events\":[", g_timing_errors);
	for (size_t i = 0; i < g_nev; i++) {
		Ev *v = &g_ev[i];
		fprintf(f, "%s\n{\"type\":\"%s\",\"sample\":%d,\"ms\":%d,\"text_position\":%d,\"length\":%d",
			i ? "," : "", type_name(v->type), v->sample, v->audio_position,
			v->text_position, v->length);
		if (v->type == espeakEVENT_PHONEME) {
			fprintf(f, ",\"name\":");
			json_str(f, v->name);
		} else if (v->type == espeakEVENT_WORD || v->type == espeakEVENT_SENTENCE) {
			fprintf(f, ",\"number\":%d", v->number);
		}
		fputc('}', f);
	}
	/* Phone segments: start = event sample, end = next phoneme event or end of audio. */
	fprintf(f, "],\n\"runs\":[");
	if (g_hook_n == g_n)
		for (size_t i = 0; i < g_nruns; i++)
			fprintf(f, "%s[\"%c\",%zu,%zu]", i ? "," : "", g_runs[i].cls, g_runs[i].start, g_runs[i].end);
	fprintf(f, "],\"hook_samples\":%zu,\n\"phones\":[", g_hook_n);
	int first = 1;
	for (size_t i = 0; i < g_nev; i++) {
		if (g_ev[i].type != espeakEVENT_PHONEME)
			continue;
		size_t end = g_n;
		for (size_t j = i + 1; j < g_nev; j++)
			if (g_ev[j].type == espeakEVENT_PHONEME) {
				end = (size_t)g_ev[j].sample;
				break;
			}
		fprintf(f, "%s\n{\"phone\":", first ? "" : ",");
		json_str(f, g_ev[i].name);
		fprintf(f, ",\"start\":%d,\"end\":%zu}", g_ev[i].sample, end);
		first = 0;
	}
	fprintf(f, "]}\n");
	return fclose(f);
}

static int do_syn(char **fld)
{
	const char *prefix = fld[1], *voice = fld[2], *mode = fld[8], *input = fld[9];
	int rate = atoi(fld[3]), pitch = atoi(fld[4]), range = atoi(fld[5]);
	unsigned seed = (unsigned)strtoul(fld[6], NULL, 10);
	int out_rate = atoi(fld[7]);
	char path[4096];

	if (set_voice(voice)) {
		printf("ERR voice %s\n", voice);
		return 0;
	}
	/* Parameters are set after the voice: selecting a voice resets them. */
	espeak_SetParameter(espeakRATE, rate, 0);
	espeak_SetParameter(espeakPITCH, pitch, 0);
	espeak_SetParameter(espeakRANGE, range, 0);

	g_n = 0;
	g_nev = 0;
	g_timing_errors = 0;
	g_nruns = 0;
	g_hook_n = 0;
	srand(seed);

	char *buf;
	unsigned flags = espeakCHARS_UTF8;
	size_t len = strlen(input);
	buf = malloc(len + 8);
	if (strcmp(mode, "phon") == 0) {
		snprintf(buf, len + 8, "[[%s]]", input);
		flags |= espeakPHONEMES;
	} else if (strcmp(mode, "text") == 0) {
		memcpy(buf, input, len + 1);
	} else {
		free(buf);
		printf("ERR mode %s\n", mode);
		return 0;
	}
	espeak_ERROR err = espeak_Synth(buf, strlen(buf) + 1, 0, POS_CHARACTER, 0, flags, NULL, NULL);
	free(buf);
	if (err != EE_OK) {
		printf("ERR synth %d\n", err);
		return 0;
	}
	espeak_Synchronize();

	snprintf(path, sizeof path, "%s.raw", prefix);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(g_wav, sizeof(int16_t), g_n, f) != g_n || fclose(f)) {
		printf("ERR write %s\n", path);
		return 0;
	}
	snprintf(path, sizeof path, "%s.json", prefix);
	if (write_json(path, voice, rate, pitch, range, mode, input)) {
		printf("ERR write %s\n", path);
		return 0;
	}
	size_t n_out = 0;
	if (out_rate > 0 && g_n > 0) {
		/* Exact rational target length: round(n * out_rate / rate). */
		n_out = (size_t)(((uint64_t)g_n * (uint64_t)out_rate * 2 + (uint64_t)g_rate) /
				 (2 * (uint64_t)g_rate));
		float *out = calloc(n_out + 64, sizeof(float));
		size_t odone = 0;
		soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_FLOAT32_I);
		/* soxr already maps int16 full scale to +-1.0 float: no extra scale. */
		soxr_quality_spec_t q = soxr_quality_spec(SOXR_VHQ, 0); /* linear phase */
		soxr_runtime_spec_t rt = soxr_runtime_spec(1);          /* 1 thread: reproducible */
		soxr_error_t serr = soxr_oneshot(g_rate, out_rate, 1, g_wav, g_n, NULL,
						 out, n_out + 64, &odone, &io, &q, &rt);
		if (serr) {
			free(out);
			printf("ERR soxr %s\n", serr);
			return 0;
		}
		/* odone is n_out or within one sample of it; pad with zeros / cut. */
		snprintf(path, sizeof path, "%s.f32", prefix);
		f = fopen(path, "wb");
		if (!f || fwrite(out, sizeof(float), n_out, f) != n_out || fclose(f)) {
			free(out);
			printf("ERR write %s\n", path);
			return 0;
		}
		free(out);
	}
	printf("OK %zu %zu\n", g_n, n_out);
	return 0;
}

static int do_t2p(char **fld)
{
	const char *voice = fld[1];
	int ipa = atoi(fld[2]);
	int sep = atoi(fld[3]);
	const char *text = fld[4];
	if (set_voice(voice)) {
		printf("ERR voice %s\n", voice);
		return 0;
	}
	int mode = (ipa ? 0x02 : 0) | (sep ? (sep << 8) : 0);
	const void *p = text;
	int firstc = 1;
	printf("OK ");
	while (p != NULL) {
		const char *ph = espeak_TextToPhonemes(&p, espeakCHARS_UTF8, mode);
		if (!ph)
			break;
		printf("%s%s", firstc ? "" : "\t", ph);
		firstc = 0;
	}
	printf("\n");
	return 0;
}

/*
 * espeak-ng keeps state between messages (pitch flutter phase, wavegen and
 * echo buffers, translator state, ...): the same job synthesised twice in one
 * process gives different samples and even lengths, and an earlier
 * espeak_TextToPhonemes call can add a word event to a later synthesis.  Every
 * job (SYN and T2P) therefore runs in a forked child of the freshly
 * initialised process, which itself never synthesises or translates, so a
 * job's output depends only on its line.  (Synchronous mode starts no
 * threads, so fork() is safe.)
 */
static void run_isolated(int (*fn)(char **), char **fld)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		printf("ERR fork\n");
		return;
	}
	if (pid == 0) {
		fn(fld);
		fflush(stdout);
		_exit(0);
	}
	int st = 0;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("ERR child status %d\n", st);
}

int main(int argc, char **argv)
{
	const char *data_path = argc > 1 ? argv[1] : NULL;
	espeak_ng_InitializePath(data_path);
	g_rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path,
				   espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_PHONEME_IPA);
	if (g_rate <= 0) {
		fprintf(stderr, "espeak_Initialize failed\n");
		return 1;
	}
	espeak_SetSynthCallback(synth_cb);
	static espeak_ng_OUTPUT_HOOKS hooks = {hook_pho, hook_silence, hook_voiced, hook_unvoiced};
	espeak_ng_SetOutputHooks(&hooks);
	setvbuf(stdout, NULL, _IOLBF, 0);

	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, stdin)) > 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (len == 0)
			continue;
		char *fld[10];
		int n = split_tabs(line, fld, 10);
		if (strcmp(fld[0], "SYN") == 0 && n == 10)
			run_isolated(do_syn, fld);
		else if (strcmp(fld[0], "T2P") == 0 && n == 5)
			run_isolated(do_t2p, fld);
		else if (strcmp(fld[0], "RATE") == 0)
			printf("OK %d\n", g_rate);
		else
			printf("ERR bad command\n");
	}
	free(line);
	free(g_wav);
	free(g_ev);
	espeak_Terminate();
	return 0;
}
