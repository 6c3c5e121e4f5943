/* main.c - scaffolding until the app shell lands. */
#include <stdio.h>

int main(void)
{
    fprintf(stderr, "kiosk: the app shell is not built yet\n");
    return 1;
}
