/*
 * fuzz_layout.c - libFuzzer target for the on-screen keyboard's layout
 * parser (format kiosk-keyboard/1, docs/keyboard.md): any bytes must give
 * KS_OK or an error with a message, never a crash, a leak or a read out of
 * bounds. Must not: depend on files or SDL video.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ks/keyboard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_error err = {0};
    ks_status st = ks_keyboard_check_layout((const char *)data, size, "fuzz.json", &err);
    /* A refusal always says why. */
    if (st != KS_OK && err.msg[0] == '\0') __builtin_trap();
    return 0;
}
