// Random-access bytes for libsndfile's virtual I/O: a file opened once, or a buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/unique_fd.h"

namespace engine::audio {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual int64_t size() const = 0;
  // Reads up to `count` bytes at `offset`; returns how many were read (0 at the end).
  virtual size_t ReadAt(int64_t offset, void* destination, size_t count) = 0;
};

class MemoryByteSource final : public ByteSource {
 public:
  explicit MemoryByteSource(const std::vector<uint8_t>& bytes) : bytes_(bytes) {}
  int64_t size() const override { return static_cast<int64_t>(bytes_.size()); }
  size_t ReadAt(int64_t offset, void* destination, size_t count) override;

 private:
  const std::vector<uint8_t>& bytes_;
};

class FileByteSource final : public ByteSource {
 public:
  // Throws AUDIO_UNDECODABLE when `path` cannot be opened or is not a regular file.
  explicit FileByteSource(const std::string& path);
  int64_t size() const override { return size_; }
  size_t ReadAt(int64_t offset, void* destination, size_t count) override;

 private:
  UniqueFd fd_;
  int64_t size_ = 0;
};

}  // namespace engine::audio
