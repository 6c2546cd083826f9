// The header self-containment test's entry point. The test itself happens at build time: each
// generated TU includes one public header first and must compile; linking them into one
// program also checks that the headers' inline definitions agree (no ODR clash). This main
// only makes the result visible to ctest.
#include <cstdio>

int main() {
  std::printf("%d public headers compile on their own\n", SIM7080_PUBLIC_HEADER_COUNT);
  return 0;
}
