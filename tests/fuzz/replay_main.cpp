// Runs a fuzz target over its inputs once each, whole, without libFuzzer: the
// normal build's `fuzz.<target>` tests (tests/fuzz/CMakeLists.txt). Arguments
// are files or directories (walked recursively; *.md skipped, a missing one is
// no input). A finding crashes the process, as under libFuzzer; the crash
// handler names the input first (on its own stack: a finding may be a stack
// overflow).
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

const char* current_input = "(none)";

void name_the_input(int signal_number) {
  const char* prefix = "fuzz replay: crashed on ";
  (void)!write(STDERR_FILENO, prefix, std::strlen(prefix));
  (void)!write(STDERR_FILENO, current_input, std::strlen(current_input));
  (void)!write(STDERR_FILENO, "\n", 1);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

void on_crash_name_the_input() {
  static std::vector<char> alternate_stack(1 << 16);
  stack_t ss{};
  ss.ss_sp = alternate_stack.data();
  ss.ss_size = alternate_stack.size();
  sigaltstack(&ss, nullptr);
  struct sigaction sa{};
  sa.sa_handler = name_the_input;
  sa.sa_flags = SA_ONSTACK;
  for (int s : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) sigaction(s, &sa, nullptr);
}

void collect(const fs::path& where, std::vector<std::string>& inputs) {
  std::error_code ec;
  if (fs::is_regular_file(where, ec)) return inputs.push_back(where.string());
  if (!fs::is_directory(where, ec)) return;
  for (const auto& entry : fs::recursive_directory_iterator(where, ec))
    if (entry.is_regular_file() && entry.path().extension() != ".md") inputs.push_back(entry.path().string());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) collect(argv[i], inputs);
  on_crash_name_the_input();
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    current_input = path.c_str();
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("%zu inputs ran\n", inputs.size());
  return inputs.empty() ? 1 : 0;  // no input at all: the corpus was not made
}
