#pragma once

#include <cstdint>
#include <string>

namespace pt {

/// Reads a text file line by line, gzip-compressed or plain (zlib detects which).
///
/// Throws `std::runtime_error` from the constructor when the file cannot be opened (start-up
/// only); read errors later end the file and are reported by `error()`.
class line_reader {
public:
  explicit line_reader(const std::string& path);
  ~line_reader();
  line_reader(const line_reader&) = delete;
  line_reader& operator=(const line_reader&) = delete;

  /// Reads the next line without its end-of-line ("\n" or "\r\n"). False at the end of the file
  /// or on a read error.
  bool next(std::string& line);

  /// 1-based number of the line last returned by `next`.
  int64_t line_number() const { return line_number_; }

  /// Empty, or what went wrong while reading (e.g. a truncated gzip stream).
  const std::string& error() const { return error_; }

  const std::string& path() const { return path_; }

private:
  std::string path_;
  void* file_ = nullptr; // gzFile; kept opaque so zlib.h stays out of this header
  int64_t line_number_ = 0;
  std::string error_;
  std::string buffer_;
};

} // namespace pt
