#include "feeds/line_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <zlib.h>

namespace pt {

line_writer::line_writer(const std::string& path, bool append) : path_(path) {
  bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  // "wT" writes plain text through the same zlib calls.
  gzFile f = gzopen(path.c_str(), gz ? (append ? "ab6" : "wb6") : (append ? "aT" : "wT"));
  if (f == nullptr)
    throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  file_ = f;
}

line_writer::~line_writer() {
  try {
    close();
  } catch (...) {
    // Already reported where it matters: close() is called explicitly on the normal path.
  }
}

void line_writer::write(std::string_view line) {
  if (file_ == nullptr)
    throw std::runtime_error(path_ + " is closed");
  auto f = static_cast<gzFile>(file_);
  if (gzwrite(f, line.data(), static_cast<unsigned>(line.size())) != static_cast<int>(line.size()) ||
      gzputc(f, '\n') != '\n') {
    int code = 0;
    throw std::runtime_error("write error in " + path_ + ": " + gzerror(f, &code));
  }
  ++lines_;
}

void line_writer::flush() {
  if (file_ != nullptr)
    gzflush(static_cast<gzFile>(file_), Z_SYNC_FLUSH);
}

void line_writer::close() {
  if (file_ == nullptr)
    return;
  int rc = gzclose(static_cast<gzFile>(file_));
  file_ = nullptr;
  if (rc != Z_OK)
    throw std::runtime_error("cannot finish " + path_ + " (zlib error " + std::to_string(rc) + ")");
}

} // namespace pt
