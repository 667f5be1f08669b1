#include "app/yaml_errors.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace pt {

namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (auto& l : lines)
    out += (out.empty() ? "" : "\n") + l;
  return out;
}

} // namespace

config_error::config_error(std::vector<std::string> problems)
  : std::runtime_error(join_lines(problems)), problems_(std::move(problems)) {}

void yaml_problems::add(const YAML::Node& node, const std::string& message) {
  auto mark = node.Mark();
  if (mark.is_null())
    add_at(0, 0, message);
  else
    add_at(mark.line, mark.column, message);
}

void yaml_problems::add_at(int line0, int column0, const std::string& message) {
  problems_.push_back(file_ + ":" + std::to_string(line0 + 1) + ":" + std::to_string(column0 + 1) + ": " + message);
}

void yaml_problems::reject_unknown_keys(const YAML::Node& node, const std::vector<std::string>& allowed,
                                        const std::string& where) {
  if (!node.IsMap())
    return;
  std::vector<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    auto key = it->first.as<std::string>("");
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      add(it->first, "key '" + key + "' appears twice in " + where + " (only the first would count)");
      continue;
    }
    seen.push_back(key);
    bool known = false;
    for (auto& a : allowed)
      known = known || a == key;
    if (known)
      continue;
    std::string list;
    for (auto& a : allowed)
      list += (list.empty() ? "" : ", ") + a;
    add(it->first, "unknown key '" + key + "' in " + where + " (expected one of: " + list + ")");
  }
}

void yaml_problems::throw_if_any() const {
  if (!problems_.empty())
    throw config_error(problems_);
}

YAML::Node parse_yaml(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    yaml_problems p(file);
    p.add_at(e.mark.line, e.mark.column, "YAML syntax error: " + e.msg);
    p.throw_if_any();
  }
  return {};
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw config_error({path + ": cannot read the file"});
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace pt
