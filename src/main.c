/*
 * main: start-up and the operator command line.
 */
#include <stdio.h>

int main(void)
{
    puts("hearth");
    return 0;
}
