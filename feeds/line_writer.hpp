#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pt {

/// Writes a text file line by line, gzip-compressed when the name ends in ".gz" (zlib), plain
/// otherwise — the counterpart of `line_reader`.
///
/// Throws `std::runtime_error` from the constructor when the file cannot be created, and from
/// `write`/`close` when writing fails (disk full, …).
class line_writer {
public:
  /// `append`: keep what the file holds and write after it (a plain file; a gzip file gains a new
  /// gzip member, which readers join).
  explicit line_writer(const std::string& path, bool append = false);
  ~line_writer();
  line_writer(const line_writer&) = delete;
  line_writer& operator=(const line_writer&) = delete;

  /// Appends `line` and a newline.
  void write(std::string_view line);

  /// Pushes what is buffered to the file (a gzip file stays readable up to this point).
  void flush();

  /// Flushes and closes; further writes throw. Called by the destructor (which swallows errors).
  void close();

  int64_t lines() const { return lines_; }
  const std::string& path() const { return path_; }

private:
  std::string path_;
  void* file_ = nullptr; // gzFile, kept opaque so zlib.h stays out of this header
  int64_t lines_ = 0;
};

} // namespace pt
