/*
 * keyclick.c - the key-click sound (include/ks/keyclick.h).
 *
 * Why synthesised: no asset to ship or lose, and the shape can be exact: a
 * 2.4 kHz and 5.1 kHz pair decaying in a few milliseconds reads as a soft
 * "tick" on small kiosk speakers, well below speech loudness.
 * Must not: block, or touch any audio device but its own.
 */
#include <math.h>
#include <stdlib.h>

#include <SDL.h>

#include "ks/keyclick.h"

#define CLICK_MS 15
#define RATE 48000

struct ks_keyclick {
    SDL_AudioDeviceID dev;
    int16_t *samples;
    size_t n;
};

size_t ks_keyclick_render(int16_t *out, size_t max, int rate)
{
    if (!out || rate <= 0) return 0;
    size_t n = (size_t)rate * CLICK_MS / 1000;
    if (n > max) n = max;
    const double tau = 0.0025; /* decay time constant, seconds */
    const double two_pi = 6.283185307179586;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        /* A 0.3 ms attack avoids a pop at the start; the tail fades to
         * exactly zero at the end for the same reason. */
        double attack = t < 0.0003 ? t / 0.0003 : 1.0;
        double tail = 1.0 - (double)i / (double)n;
        double env = attack * exp(-t / tau) * tail;
        double v = 0.6 * sin(two_pi * 2400.0 * t) + 0.4 * sin(two_pi * 5100.0 * t);
        out[i] = (int16_t)lrint(v * env * 0.28 * 32767.0);
    }
    return n;
}

ks_status ks_keyclick_create(ks_keyclick **out, ks_error *err)
{
    *out = NULL;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
        return ks_error_set(err, KS_ERR_IO, "keyclick: no audio: %s", SDL_GetError());
    ks_keyclick *k = calloc(1, sizeof *k);
    SDL_AudioSpec want = {0}, have;
    want.freq = RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 512;
    if (!k) {
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return ks_error_set(err, KS_ERR_NOMEM, "keyclick: no memory");
    }
    /* SDL converts if the device wants another format or rate. */
    k->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!k->dev) {
        ks_status st =
            ks_error_set(err, KS_ERR_IO, "keyclick: cannot open the audio output: %s", SDL_GetError());
        free(k);
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return st;
    }
    size_t max = (size_t)RATE * CLICK_MS / 1000;
    k->samples = malloc(max * sizeof *k->samples);
    if (!k->samples) {
        ks_keyclick_destroy(k);
        return ks_error_set(err, KS_ERR_NOMEM, "keyclick: no memory");
    }
    k->n = ks_keyclick_render(k->samples, max, RATE);
    SDL_PauseAudioDevice(k->dev, 0);
    *out = k;
    return KS_OK;
}

void ks_keyclick_play(ks_keyclick *k)
{
    if (!k || !k->dev) return;
    SDL_ClearQueuedAudio(k->dev);
    SDL_QueueAudio(k->dev, k->samples, (Uint32)(k->n * sizeof *k->samples));
}

void ks_keyclick_destroy(ks_keyclick *k)
{
    if (!k) return;
    if (k->dev) SDL_CloseAudioDevice(k->dev);
    free(k->samples);
    free(k);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
}
