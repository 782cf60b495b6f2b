#include "optim/ensemble.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/signals.hpp"
#include "data/load_data.hpp"
#include "core/work_groups.hpp"
#include "optim/checkpoint.hpp"
#include "optim/ensemble_file.hpp"
#include "io/file_maintenance.hpp"

namespace terrain::optim {

namespace {
PetscErrorCode read_options(EnsembleConfig* c, PetscBool* widths_set) {
  PetscFunctionBeginUser;
  PetscInt widths[256];
  PetscInt n = 256;
  PetscOptionsBegin(PETSC_COMM_WORLD, "ensemble_", "Ensembles of independent runs",
                    "terrain-train");
  PetscCall(PetscOptionsInt("-seeds",
                            "Runs per width, seeds -model_seed + 0..N-1 (0: a single run)", "",
                            c->seeds, &c->seeds, nullptr));
  PetscCall(PetscOptionsIntArray("-widths",
                                 "Hidden widths to sweep a,b,c (each hidden layer gets the "
                                 "width)",
                                 "", widths, &n, widths_set));
  PetscCall(PetscOptionsInt("-group_size",
                            "Ranks per group; each group trains its runs "
                            "data-parallel",
                            "", c->group_size, &c->group_size, nullptr));
  PetscOptionsEnd();
  if (*widths_set) c->widths.assign(widths, widths + n);
  PetscFunctionReturn(0);
}
}  // namespace

EnsembleConfig EnsembleConfig::from_options(const model::Architecture& arch) {
  EnsembleConfig c;
  PetscBool widths_set = PETSC_FALSE;
  TERRAIN_OPTIONS(read_options(&c, &widths_set));
  TERRAIN_CHECK(c.seeds >= 0, "-ensemble_seeds must be non-negative, got " << c.seeds);
  if (widths_set && c.seeds == 0) c.seeds = 1;
  if (!c.enabled()) return c;
  TERRAIN_CHECK(c.group_size >= 1, "-ensemble_group_size must be at least 1, got " << c.group_size);
  TERRAIN_CHECK(arch.widths.size() >= 3 || !widths_set,
                "-ensemble_widths needs a hidden layer in -model_widths");
  if (!widths_set) c.widths = {arch.widths.size() >= 3 ? arch.widths[1] : 0};
  for (PetscInt w : c.widths)
    TERRAIN_CHECK(w >= 1 || !widths_set, "-ensemble_widths entries must be positive, got " << w);
  return c;
}

std::vector<EnsembleMember> ensemble_members(const EnsembleConfig& config) {
  std::vector<EnsembleMember> m;
  for (std::size_t w = 0; w < config.widths.size(); ++w)
    for (PetscInt s = 0; s < config.seeds; ++s)
      m.push_back({PetscInt(w) * config.seeds + s, s, config.widths[w]});
  return m;
}

RunSpec member_spec(const RunSpec& base, const EnsembleMember& m, const std::string& file) {
  RunSpec s = base;
  if (s.arch.widths.size() >= 3)
    for (std::size_t l = 1; l + 1 < s.arch.widths.size(); ++l) s.arch.widths[l] = m.width;
  s.arch.seed = base.arch.seed + static_cast<std::uint64_t>(m.seed_index);
  s.train.seed = base.train.seed + static_cast<std::uint64_t>(m.seed_index);
  s.train.output = file;
  s.train.output_set = true;
  s.train.restart.clear();
  s.verbose = false;
  s.record_divergence = true;
  return s;
}

void run_ensemble(MPI_Comm world, const data::DataConfig& data_config, const RunSpec& base,
                  const EnsembleConfig& config) {
  core::StopSignals signals;
  const double start = MPI_Wtime();
  const TrainConfig& train = base.train;
  TERRAIN_CHECK(train.init_file.empty(),
                "-model_init_file cannot start an ensemble (its widths and "
                "seeds differ per run)");
  TERRAIN_CHECK(train.restart.empty() || io::same_file(train.output, train.restart),
                "an ensemble continues in place: give -restart without a different -output");
  const std::string output = train.output, directory = output + ".runs";

  // 1. Groups, and the data on each group's communicator.
  core::WorkGroups groups(world, static_cast<int>(config.group_size));
  data::Data data;
  std::string problem;
  try {
    data = data::load_data(groups.comm(), data_config);
  } catch (const core::InputError& e) {
    problem = e.what();
  }
  core::check_all(world, problem.empty(), problem);

  // 2. What is left to do.
  const std::vector<EnsembleMember> members = ensemble_members(config);
  std::int64_t merged_steps = 0;
  if (!train.restart.empty() && is_complete_ensemble(world, output, &merged_steps)) {
    TERRAIN_CHECK(merged_steps == train.steps,
                  output << " holds a finished ensemble of " << merged_steps
                         << " steps; a merged "
                            "ensemble cannot be extended to -train_steps "
                         << train.steps);
    PetscPrintf(world, "terrain-train: %s already holds the finished ensemble; nothing to do\n",
                output.c_str());
    return;
  }
  TERRAIN_CHECK(train.restart.empty() || io::file_exists(world, directory),
                "nothing to continue: neither " << output << " nor " << directory << " exists");
  int rank = 0;
  MPI_Comm_rank(world, &rank);
  std::vector<int> resume(members.size(), 0), all(members.size()), pending;
  if (rank == 0) {
    std::error_code ec;
    std::filesystem::create_directory(directory, ec);  // not its parents: a typo fails here
    if (ec) problem = "cannot create " + directory + " (" + ec.message() + ")";
    for (std::size_t i = 0; i < members.size() && problem.empty() && !train.restart.empty(); ++i) {
      const std::string file = directory + "/" + ensemble_run_name(members[i].index) + ".h5";
      if (!std::filesystem::exists(file)) continue;
      try {
        io::RunFile f = io::RunFile::open_read(PETSC_COMM_SELF, file);
        const CheckpointInfo info = read_checkpoint_info(f);
        f.close();
        const bool done = info.status == RunStatus::diverged ||
                          (info.status == RunStatus::finished && info.step == train.steps);
        resume[i] = done ? 2 : 1;
      } catch (const core::InputError& e) {
        problem = e.what();
      }
    }
  }
  core::check_all(world, problem.empty(), problem);
  MPI_Bcast(resume.data(), static_cast<int>(resume.size()), MPI_INT, 0, world);
  for (std::size_t i = 0; i < members.size(); ++i) {
    all[i] = static_cast<int>(i);
    if (resume[i] != 2) pending.push_back(static_cast<int>(i));
  }
  PetscPrintf(world,
              "terrain-train: ensemble of %d runs (%d widths x %d seeds), %d to do, on %d "
              "group(s) of up to %d rank(s); run files in %s\n",
              int(members.size()), int(config.widths.size()), int(config.seeds),
              int(pending.size()), groups.count(), int(config.group_size), directory.c_str());

  // 3. This group's runs, one after another. Runs are dealt by their index, not by their place
  // among the pending ones, so a continued ensemble trains each run on the same group (the same
  // number of ranks) as before: bitwise the same results.
  int finished = 0, diverged = 0, stopped = 0;
  const std::vector<int> mine = groups.assign(all);
  const PetscInt to_do = std::count_if(mine.begin(), mine.end(), [&](int i) { return resume[i] != 2; });
  core::Progress progress(groups.comm(),
                          "ensemble group " + std::to_string(groups.index()) + ": runs", to_do);
  for (int i : mine) {
    if (resume[i] == 2) continue;
    if (core::StopSignals::received_anywhere(groups.comm())) {
      stopped = 1;
      break;
    }
    const EnsembleMember& m = members[i];
    const std::string file = directory + "/" + ensemble_run_name(m.index) + ".h5";
    RunSpec spec = member_spec(base, m, file);
    if (resume[i] == 1) spec.train.restart = file;
    try {
      TrainingRun run(groups.comm(), data, spec);
      const RunResult result = run.run();
      const RunSummary& s = run.summary();
      if (result == RunResult::stopped) {
        stopped = 1;
        break;
      }
      if (result == RunResult::diverged) {
        ++diverged;
        PetscPrintf(groups.comm(), "run %d (width %d, seed %d): %s\n", int(m.index), int(m.width),
                    int(spec.arch.seed), s.message.c_str());
      } else {
        ++finished;
        PetscPrintf(groups.comm(), "run %d (width %d, seed %d): loss %.6e at step %d, %.2f s\n",
                    int(m.index), int(m.width), int(spec.arch.seed), s.loss, int(s.step),
                    s.elapsed);
      }
      progress.update(finished + diverged, "last: run " + std::to_string(m.index));
    } catch (const core::InputError& e) {
      problem = "run " + std::to_string(m.index) + ": " + e.what();
      break;
    }
  }

  progress.finish(std::to_string(finished) + " finished, " + std::to_string(diverged) +
                  " diverged of " + std::to_string(to_do));

  // 4. Everyone meets; a stop signal ends the session, otherwise rank 0 merges.
  groups.wait_all();
  core::check_all(world, problem.empty(), problem);
  // Each group's leader speaks for it.
  int counts[3] = {groups.leader() ? finished : 0, groups.leader() ? diverged : 0,
                   groups.leader() ? stopped : 0};
  MPI_Allreduce(MPI_IN_PLACE, counts, 3, MPI_INT, MPI_SUM, world);
  if (counts[2] > 0) {
    const int signal = core::StopSignals::received_on_any_rank(world);  // maybe not rank 0's
    PetscPrintf(world,
                "terrain-train: caught %s: %d run(s) finished in this session, the others are "
                "checkpointed in %s; continue with -restart %s\n",
                core::signal_name(signal), counts[0] + counts[1],
                directory.c_str(), output.c_str());
    return;
  }
  EnsembleLayout layout;
  for (PetscInt s = 0; s < config.seeds; ++s)
    layout.seeds.push_back(static_cast<std::int64_t>(base.arch.seed) + s);
  layout.widths.assign(config.widths.begin(), config.widths.end());
  layout.steps = train.steps;
  layout.group_size = config.group_size;
  layout.n_groups = groups.count();
  layout.data_name = data.name;
  layout.data_source = data.source;
  layout.n_train = data.train.n_global;
  layout.n_test = data.test.n_global;
  layout.d_in = data.train.d_in;
  layout.d_out = data.train.d_out;
  std::vector<EnsembleRun> runs;
  for (const EnsembleMember& m : members)
    runs.push_back({m.index, static_cast<std::int64_t>(base.arch.seed) + m.seed_index, m.width,
                    directory + "/" + ensemble_run_name(m.index) + ".h5"});
  merge_ensemble(world, output, layout, runs);
  if (rank == 0) {
    std::error_code ec;
    std::filesystem::remove_all(directory, ec);
  }
  MPI_Barrier(world);  // every rank returns with the directory gone
  PetscPrintf(world,
              "terrain-train: ensemble done: %d runs finished, %d diverged in this session "
              "(%.1f s); wrote %s\n",
              counts[0], counts[1], MPI_Wtime() - start, output.c_str());
}

}  // namespace terrain::optim
