#pragma once
// Restart state in a run file. terrain-train checkpoints by writing the whole run file anew
// (io::RunFile::open_update copies the last committed file, the new rows and the state are added,
// commit renames it into place), so a kill at any moment leaves the previous complete file.
//
//   /train          attrs  the settings a continued run must repeat (optimizer, lr, batch, ...;
//                          numbers as float64/int64, names as str) plus derived ones
//                          (temperature = lr/(2B) for minibatches)
//   /params                 float64[n_params]  θ_step, the parameters of the checkpoint
//   /checkpoint     attrs  step int64       /params is θ_step; /trajectory holds every row and
//                                           snapshot with step <= this one, nothing later
//                          status str       running | trained (final step reached, final
//                                           measurements pending) | finished | diverged
//                          elapsed float64  seconds of training in all sessions so far
//                          rows, saved int64  lengths of /trajectory/step, /trajectory/params
//                          nranks int64     ranks of the session that wrote it
//                          diverged_step int64, message str   (status diverged only)
//     velocity | adam_m, adam_v          optimizer state (momentum/nesterov | adam)
//     lambda_max_vector                  warm start of the λ_max tracker (when monitored)
#include <petscvec.h>

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "io/run_file.hpp"

namespace terrain::optim {

// One recorded setting: a text or a number (integers are stored as int64).
struct Setting {
  using Value = std::variant<std::string, double, std::int64_t>;
  std::string name;
  Value value;
};

// Writes each setting as an attribute of `group`.
void write_settings(io::RunFile& file, const std::string& group, const std::vector<Setting>& settings);
// Throws the same InputError on every rank, naming the option, when a stored setting differs
// from (or is missing for) one of `settings`.
void check_settings(const io::RunFile& file, const std::string& group,
                    const std::vector<Setting>& settings);

enum class RunStatus { running, trained, finished, diverged };
const char* to_string(RunStatus s);

struct CheckpointInfo {
  std::int64_t step = 0;
  RunStatus status = RunStatus::running;
  double elapsed = 0;
  std::int64_t rows = 0, saved = 0;
  std::int64_t nranks = 0;
  std::int64_t diverged_step = -1;
  std::string message;
};

// Replaces /checkpoint: its attributes and the named vectors (on the file's communicator).
void write_checkpoint(io::RunFile& file, const CheckpointInfo& info,
                      const std::vector<std::pair<std::string, Vec>>& vectors);
// Only the attributes (a diverged run keeps the vectors of its last good checkpoint).
void write_checkpoint_info(io::RunFile& file, const CheckpointInfo& info);
// The attributes, validated against /trajectory; an InputError when the file has none.
CheckpointInfo read_checkpoint_info(const io::RunFile& file);
bool has_checkpoint_vector(const io::RunFile& file, const std::string& name);
// /checkpoint/<name> into v (any layout of the right size).
void read_checkpoint_vector(const io::RunFile& file, const std::string& name, Vec v);

}  // namespace terrain::optim
