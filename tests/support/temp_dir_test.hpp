#pragma once

// A GoogleTest fixture with a fresh directory per test, removed afterwards.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

namespace pt::test {

/// Each test gets `dir_`, an empty directory under the test temp dir, removed in TearDown.
class temp_dir_test : public testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::path(testing::TempDir()) / "pt-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = std::filesystem::path(pattern).lexically_normal().string();
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  /// `name` inside the directory.
  std::string in_dir(const std::string& name) const { return (std::filesystem::path(dir_) / name).string(); }
  /// Writes `text` to `name` inside the directory (binary, as given); returns its path.
  std::string write(const std::string& name, const std::string& text) {
    auto path = in_dir(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string dir_;
};

} // namespace pt::test
