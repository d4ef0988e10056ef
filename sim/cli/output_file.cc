#include "sim/cli/output_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

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

}  // namespace edgesim
