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

// Creates `dir` (and its parents) if missing; OutputError if it cannot, or is not a directory.
void create_output_directory(const std::string& dir);

// OutputError unless create_output_directory(dir) can be expected to succeed: `dir` is a
// directory, or its nearest existing ancestor is a writable directory. It creates nothing, so a
// run that breaks off before writing leaves no empty directory behind.
void check_output_directory_creatable(const std::string& dir);

// OutputError unless `path`'s directory exists, so that a run can refuse an output path before it
// spends its time rather than after.
void check_output_directory_of(const std::string& path);

}  // namespace edgesim
