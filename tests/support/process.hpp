#pragma once

// Helpers for tests that drive the built binary: run a command, read files, make temp dirs.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <sys/wait.h>

#include <gtest/gtest.h>

namespace pt::test {

/// Result of a finished command: exit status and what it printed.
struct command_result {
  int exit_code = -1;
  std::string out; ///< stdout
  std::string err; ///< stderr
};

/// Reads a whole file ("" if missing).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Removes the directories it was given when the test program ends.
class temp_dir_registry {
public:
  ~temp_dir_registry() {
    std::error_code ignored;
    for (auto& d : dirs_)
      std::filesystem::remove_all(d, ignored);
  }
  void add(const std::string& dir) { dirs_.push_back(dir); }

private:
  std::vector<std::string> dirs_;
};

/// A fresh empty directory under the test temp dir, unique per call, removed at exit.
inline std::string make_temp_dir(const std::string& prefix) {
  static temp_dir_registry registry;
  std::string templ = ::testing::TempDir() + prefix + "-XXXXXX";
  char* made = mkdtemp(templ.data());
  EXPECT_NE(made, nullptr) << "mkdtemp " << templ;
  registry.add(templ);
  return templ;
}

/// Runs `command_line` through /bin/sh, capturing stdout and stderr into files in `dir`.
inline command_result run_command(const std::string& command_line, const std::string& dir) {
  std::string out_file = dir + "/stdout.txt";
  std::string err_file = dir + "/stderr.txt";
  int status = std::system((command_line + " >" + out_file + " 2>" + err_file).c_str());
  command_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out_file);
  r.err = slurp(err_file);
  return r;
}

/// The papertrader binary under test.
inline std::string binary() { return PAPERTRADER_BINARY; }

/// A file of the recorded data in ../shared/data.
inline std::string shared_data(const std::string& relative) { return std::string(PAPERTRADER_SHARED_DATA) + "/" + relative; }

/// A file of this repository.
inline std::string source_file(const std::string& relative) { return std::string(PAPERTRADER_SOURCE_DIR) + "/" + relative; }

} // namespace pt::test
