#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace pt {

/// Problems found in a configuration or strategy file, every one of them, each as
/// "file:line:column: message" (1-based line and column).
class config_error : public std::runtime_error {
public:
  explicit config_error(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

private:
  std::vector<std::string> problems_;
};

/// Collects problems found while reading one YAML file, with positions.
class yaml_problems {
public:
  explicit yaml_problems(std::string file) : file_(std::move(file)) {}

  /// Records `message` at `node`'s position (or the file's start if the node has none).
  void add(const YAML::Node& node, const std::string& message);
  /// Records `message` at a 0-based line and column.
  void add_at(int line0, int column0, const std::string& message);

  /// Reports every key of map `node` not in `allowed` ("unknown key 'x' (expected one of …)"),
  /// and every key that appears twice (YAML parsers silently keep one of them).
  void reject_unknown_keys(const YAML::Node& node, const std::vector<std::string>& allowed, const std::string& where);

  bool empty() const { return problems_.empty(); }
  const std::vector<std::string>& list() const { return problems_; }
  /// Throws `config_error` if anything was recorded.
  void throw_if_any() const;
  const std::string& file() const { return file_; }

private:
  std::string file_;
  std::vector<std::string> problems_;
};

/// Parses `text` as YAML; a syntax error becomes a `config_error` with its position.
YAML::Node parse_yaml(const std::string& text, const std::string& file);

/// Reads a whole file; throws `config_error` ("file: cannot read") when it cannot.
std::string read_text_file(const std::string& path);

} // namespace pt
