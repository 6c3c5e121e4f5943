/* ui_version.c - the UI library's version string, for diagnostics. */
const char *ks_ui_version(void);
const char *ks_ui_version(void) { return "kiosk-ui 0.1"; }
