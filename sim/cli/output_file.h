#pragma once
// Writes output files all-or-nothing: into a temporary file beside the target, then renamed, so a
// failed or interrupted run never leaves a half-written file.

#include <stdexcept>
#include <string>

namespace edgesim {

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace edgesim
