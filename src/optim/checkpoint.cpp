#include "optim/checkpoint.hpp"

#include <sstream>

#include "core/error.hpp"

namespace terrain::optim {

using io::RunFile;

namespace {
const char* const kStatus[] = {"running", "trained", "finished", "diverged"};

std::string shown(const Setting::Value& v) {
  std::ostringstream os;
  if (auto s = std::get_if<std::string>(&v))
    os << *s;
  else if (auto d = std::get_if<double>(&v))
    os << *d;
  else
    os << std::get<std::int64_t>(v);
  return os.str();
}
}  // namespace

void write_settings(RunFile& file, const std::string& group, const std::vector<Setting>& settings) {
  for (const Setting& s : settings)
    std::visit([&](const auto& value) { file.write_attr(group, s.name, value); }, s.value);
}

void check_settings(const RunFile& file, const std::string& group,
                    const std::vector<Setting>& settings) {
  for (const Setting& s : settings) {
    const std::string option = "-train_" + s.name;
    TERRAIN_CHECK(file.has_attr(group, s.name),
                  file.path() << ": " << group << " does not record " << option
                              << " (written by another version or mode of terrain-train?)");
    Setting::Value stored;
    if (std::holds_alternative<std::string>(s.value))
      stored = file.read_attr<std::string>(group, s.name);
    else if (std::holds_alternative<double>(s.value))
      stored = file.read_attr<double>(group, s.name);
    else
      stored = file.read_attr<std::int64_t>(group, s.name);
    TERRAIN_CHECK(stored == s.value, file.path()
                                         << " was written with " << option << " " << shown(stored)
                                         << ", this run has " << shown(s.value)
                                         << " (a restart must repeat the options that "
                                            "change the result)");
  }
}

const char* to_string(RunStatus s) { return kStatus[static_cast<int>(s)]; }

void write_checkpoint_info(RunFile& file, const CheckpointInfo& info) {
  file.write_attr("/checkpoint", "step", info.step);
  file.write_attr("/checkpoint", "status", to_string(info.status));
  file.write_attr("/checkpoint", "elapsed", info.elapsed);
  file.write_attr("/checkpoint", "rows", info.rows);
  file.write_attr("/checkpoint", "saved", info.saved);
  file.write_attr("/checkpoint", "nranks", info.nranks);
  if (info.status == RunStatus::diverged) {
    file.write_attr("/checkpoint", "diverged_step", info.diverged_step);
    file.write_attr("/checkpoint", "message", info.message);
  }
}

void write_checkpoint(RunFile& file, const CheckpointInfo& info,
                      const std::vector<std::pair<std::string, Vec>>& vectors) {
  write_checkpoint_info(file, info);
  for (const auto& [name, v] : vectors) file.write_vec("/checkpoint/" + name, v);
}

CheckpointInfo read_checkpoint_info(const RunFile& file) {
  TERRAIN_CHECK(file.has_attr("/checkpoint", "step"),
                file.path() << " has no /checkpoint: it was not written by a restartable "
                               "terrain-train (start from its /params with -model_init_file)");
  CheckpointInfo info;
  info.step = file.read_attr<std::int64_t>("/checkpoint", "step");
  const std::string status = file.read_attr<std::string>("/checkpoint", "status");
  bool known = false;
  for (int i = 0; i < 4; ++i)
    if (status == kStatus[i]) info.status = static_cast<RunStatus>(i), known = true;
  TERRAIN_CHECK(known, file.path() << ": /checkpoint status '" << status << "' is unknown");
  info.elapsed = file.read_attr<double>("/checkpoint", "elapsed");
  info.rows = file.read_attr<std::int64_t>("/checkpoint", "rows");
  info.saved = file.read_attr<std::int64_t>("/checkpoint", "saved");
  info.nranks = file.read_attr<std::int64_t>("/checkpoint", "nranks");
  if (info.status == RunStatus::diverged) {
    info.diverged_step = file.read_attr<std::int64_t>("/checkpoint", "diverged_step");
    info.message = file.read_attr<std::string>("/checkpoint", "message");
  }
  TERRAIN_CHECK(info.step >= 0, file.path()
                                    << ": /checkpoint step " << info.step << " is negative");
  // The rows and snapshots on file must be exactly those the checkpoint accounts for, or a
  // continued run would duplicate or skip some.
  const auto rows =
      file.has("/trajectory/step") ? file.shape("/trajectory/step") : std::vector<std::size_t>{0};
  TERRAIN_CHECK(rows.size() == 1 && std::int64_t(rows[0]) == info.rows,
                file.path() << ": /trajectory/step has " << rows[0] << " rows, /checkpoint says "
                            << info.rows);
  const std::int64_t saved =
      file.has("/trajectory/params") ? std::int64_t(file.shape("/trajectory/params")[0]) : 0;
  TERRAIN_CHECK(saved == info.saved, file.path() << ": /trajectory/params has " << saved
                                                 << " rows, /checkpoint says " << info.saved);
  return info;
}

bool has_checkpoint_vector(const RunFile& file, const std::string& name) {
  return file.has("/checkpoint/" + name);
}

void read_checkpoint_vector(const RunFile& file, const std::string& name, Vec v) {
  TERRAIN_CHECK(has_checkpoint_vector(file, name), file.path() << ": /checkpoint has no " << name);
  file.read_vec("/checkpoint/" + name, v);
}

}  // namespace terrain::optim
