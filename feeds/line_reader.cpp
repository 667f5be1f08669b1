#include "feeds/line_reader.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <zlib.h>

namespace pt {

line_reader::line_reader(const std::string& path) : path_(path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr)
    throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  gzbuffer(f, 1 << 17);
  file_ = f;
}

line_reader::~line_reader() {
  if (file_ != nullptr)
    gzclose(static_cast<gzFile>(file_));
}

bool line_reader::next(std::string& line) {
  if (file_ == nullptr)
    return false;
  auto f = static_cast<gzFile>(file_);
  line.clear();
  char chunk[8192];
  bool got_any = false;
  while (gzgets(f, chunk, sizeof chunk) != nullptr) {
    got_any = true;
    size_t n = std::strlen(chunk);
    line.append(chunk, n);
    if (n > 0 && chunk[n - 1] == '\n')
      break;
  }
  if (!got_any) {
    int code = 0;
    const char* msg = gzerror(f, &code);
    if (code != Z_OK && code != Z_STREAM_END && error_.empty())
      error_ = std::string("read error in ") + path_ + ": " + msg;
    return false;
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.pop_back();
  ++line_number_;
  return true;
}

} // namespace pt
