#include "sim/cli/output_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace edgesim {

void write_file_atomically(const std::string& path, const std::string& contents) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw OutputError("cannot write " + path);
    out << contents;
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      throw OutputError("cannot write " + path);
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::remove(temporary.c_str());
    throw OutputError("cannot write " + path + ": " + error.message());
  }
}

void create_output_directory(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw OutputError("cannot create directory " + dir + ": " + error.message());
  if (!std::filesystem::is_directory(dir, error))
    throw OutputError("cannot create directory " + dir + ": it is not a directory");
}

void check_output_directory_creatable(const std::string& dir) {
  std::error_code error;
  std::filesystem::path existing = std::filesystem::absolute(dir, error);
  if (error) throw OutputError("cannot create directory " + dir + ": " + error.message());
  while (!std::filesystem::exists(existing, error) && existing.has_relative_path())
    existing = existing.parent_path();
  if (!std::filesystem::is_directory(existing, error)) {
    throw OutputError("cannot create directory " + dir + ": " + existing.string() +
                      " is not a directory");
  }
  if (::access(existing.c_str(), W_OK | X_OK) != 0)
    throw OutputError("cannot create directory " + dir + ": " + existing.string() +
                      " is not writable");
}

void check_output_directory_of(const std::string& path) {
  std::filesystem::path directory = std::filesystem::path(path).parent_path();
  if (directory.empty()) directory = ".";
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error))
    throw OutputError("cannot write " + path + ": no directory " + directory.string());
}

}  // namespace edgesim
