#include "optim/ensemble_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <petscsys.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "optim/checkpoint.hpp"
#include "io/hdf5_handle.hpp"
#include "io/hdf5_util.hpp"
#include "io/run_file.hpp"
#include "io/run_schema.hpp"

namespace terrain::optim {

using namespace io;  // the HDF5 handles and helpers of the format layer

namespace {

void int_attr(hid_t object, const char* name, std::int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(object, name, H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  if (!attr.valid() || H5Awrite(attr.get(), H5T_NATIVE_INT64, &value) < 0)
    throw core::InputError(std::string("cannot write attribute ") + name + " (" +
                           detail::hdf5_reason() + ")");
}

void text_attr(hid_t object, const char* name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  const char* data = value.c_str();
  if (!attr.valid() || H5Awrite(attr.get(), type.get(), &data) < 0)
    throw core::InputError(std::string("cannot write attribute ") + name + " (" +
                           detail::hdf5_reason() + ")");
}

struct RunOutcome {
  std::int64_t finished = 0, diverged_step = -1;
  double final_loss = NAN;
  std::string status;
};

RunOutcome read_outcome(const EnsembleRun& run) {
  RunFile file = RunFile::open_read(PETSC_COMM_SELF, run.file);
  const CheckpointInfo info = read_checkpoint_info(file);
  RunOutcome o;
  o.status = to_string(info.status);
  o.finished = info.status == RunStatus::finished;
  o.diverged_step = info.status == RunStatus::diverged ? info.diverged_step : -1;
  if (file.has("/trajectory/loss")) {
    const std::vector<double> loss = file.read_doubles("/trajectory/loss").values;
    if (!loss.empty() && o.finished) o.final_loss = loss.back();
  }
  file.close();
  return o;
}

// Everything on rank 0 of the caller's communicator; RunFile works on PETSC_COMM_SELF here.
void merge_on_rank0(const std::string& output, const EnsembleLayout& layout,
                    const std::vector<EnsembleRun>& runs, int nranks) {
  const std::string stage = output + ".merge." + std::to_string(getpid());
  std::vector<RunOutcome> outcomes;
  for (const EnsembleRun& r : runs) outcomes.push_back(read_outcome(r));

  // 1. Header and tables through RunFile (written to a temporary renamed to `stage`).
  {
    RunFile file = RunFile::create(PETSC_COMM_SELF, stage);
    write_header(file);
    file.write_attr("/", "nranks", nranks);
    write_data_info(file, layout.data_name, layout.data_source, layout.n_train, layout.n_test,
                    layout.d_in, layout.d_out);
    file.write_attr("/ensemble", "n_runs", static_cast<std::int64_t>(runs.size()));
    file.write_attr("/ensemble", "n_seeds", static_cast<std::int64_t>(layout.seeds.size()));
    file.write_attr("/ensemble", "seeds", layout.seeds);
    file.write_attr("/ensemble", "widths", layout.widths);
    file.write_attr("/ensemble", "steps", layout.steps);
    file.write_attr("/ensemble", "group_size", layout.group_size);
    file.write_attr("/ensemble", "n_groups", layout.n_groups);
    file.write_attr("/ensemble", "order",
                    "run index = width_index * n_seeds + seed_index; group run_<index:06d>");
    std::vector<std::int64_t> seed, width, index, finished, diverged_step;
    std::vector<double> final_loss;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      seed.push_back(runs[i].seed);
      width.push_back(runs[i].width);
      index.push_back(runs[i].index);
      finished.push_back(outcomes[i].finished);
      diverged_step.push_back(outcomes[i].diverged_step);
      final_loss.push_back(outcomes[i].final_loss);
    }
    file.write_1d("/ensemble/seed", seed);
    file.write_1d("/ensemble/width", width);
    file.write_1d("/ensemble/index", index);
    file.write_1d("/ensemble/finished", finished);
    file.write_1d("/ensemble/diverged_step", diverged_step);
    file.write_1d("/ensemble/final_loss", final_loss);
    file.commit();
  }

  // 2. Each run file whole into /ensemble/run_<index> (H5Ocopy keeps chunking and maxdims).
  {
    Handle dst(H5Fopen(stage.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    if (!dst.valid())
      throw core::InputError(stage + ": cannot reopen (" + detail::hdf5_reason() + ")");
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const EnsembleRun& r = runs[i];
      Handle src(H5Fopen(r.file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
      if (!src.valid())
        throw core::InputError(r.file + ": cannot open (" + detail::hdf5_reason() + ")");
      const std::string name = "/ensemble/" + ensemble_run_name(r.index);
      if (H5Ocopy(src.get(), "/", dst.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT) < 0)
        throw core::InputError(r.file + ": cannot copy into " + output + " (" +
                               detail::hdf5_reason() + ")");
      Handle group(H5Gopen2(dst.get(), name.c_str(), H5P_DEFAULT), H5Gclose);
      int_attr(group.get(), "index", r.index);
      int_attr(group.get(), "seed", r.seed);
      int_attr(group.get(), "width", r.width);
      text_attr(group.get(), "status", outcomes[i].status);
    }
    Handle ensemble(H5Gopen2(dst.get(), "/ensemble", H5P_DEFAULT), H5Gclose);
    int_attr(ensemble.get(), "complete", 1);  // last: a reader trusts only a complete merge
    if (H5Fclose(dst.release()) < 0)
      throw core::InputError(stage + ": cannot close (" + detail::hdf5_reason() + ")");
  }

  // 3. Data, then name: the old <output> or the complete new one, never a half-written file.
  const int fd = ::open(stage.c_str(), O_RDONLY);
  if (fd >= 0) ::fsync(fd), ::close(fd);
  if (std::rename(stage.c_str(), output.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(stage.c_str());
    throw core::InputError("cannot rename " + stage + " to " + output + " (" + why + ")");
  }
}

}  // namespace

std::string ensemble_run_name(std::int64_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "run_%06lld", static_cast<long long>(index));
  return name;
}

void merge_ensemble(MPI_Comm comm, const std::string& output, const EnsembleLayout& layout,
                    const std::vector<EnsembleRun>& runs) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::string problem;
  if (rank == 0) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    try {
      merge_on_rank0(output, layout, runs, size);
    } catch (const std::exception& e) {
      problem = e.what();
      if (problem.empty()) problem = "merging the ensemble into " + output + " failed";
    }
  }
  core::check_all(comm, problem.empty(), problem);
}

bool is_complete_ensemble(MPI_Comm comm, const std::string& path, std::int64_t* steps) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int complete = rank == 0 ? std::filesystem::exists(path) : 0;
  MPI_Bcast(&complete, 1, MPI_INT, 0, comm);
  if (!complete) return false;
  RunFile file = RunFile::open_read(comm, path);
  TERRAIN_CHECK(file.has("/ensemble"), path << " is not an ensemble file (no /ensemble): continue "
                                               "a single run without -ensemble_ options");
  complete = file.has_attr("/ensemble", "complete");
  if (complete && steps) *steps = file.read_attr<std::int64_t>("/ensemble", "steps");
  file.close();
  return complete;
}

}  // namespace terrain::optim
