/*
 * cmd_keygen.c - `kioskctl keygen SECRET_FILE PUBLIC_FILE`: a new Ed25519
 * key pair for signing content bundles (docs/bundles.md).
 *
 * Only argument handling and the report; the keys are made by
 * ks_bundle_keygen(). It must never overwrite an existing key file: losing
 * a signing key strands every kiosk that trusts it.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ks/bundle.h"

int ks_cmd_keygen(const char *data_dir, int argc, char **argv)
{
    (void)data_dir;
    if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-') {
        fprintf(stderr, "usage: kioskctl keygen SECRET_FILE PUBLIC_FILE\n");
        return 2;
    }
    ks_error err = {0};
    if (ks_bundle_keygen(argv[1], argv[2], &err) != KS_OK) {
        fprintf(stderr, "kioskctl: keygen: %s\n", err.msg);
        return 1;
    }
    unsigned char pk[32];
    char keyid[KS_KEYID_HEX] = "?";
    if (ks_bundle_read_pubkey(argv[2], pk, &err) == KS_OK) ks_manifest_keyid(pk, keyid);
    printf("keygen: wrote %s (secret: keep it off the kiosks) and %s (public, key id %s)\n", argv[1], argv[2],
           keyid);
    return 0;
}
