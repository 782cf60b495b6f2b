#pragma once
// Where a study of one point (terrain-spectrum, -critical, -embed) gets its point from: a run
// file (its /params or a saved /trajectory/params step) or a bare parameter file. The network
// comes from the -model_ options when any is given, else from the run file's /model; the data
// come from the -data_ options when -data_source is given, else from the -data_ options the run
// recorded (command-line options win over recorded ones), so a chain of drivers keeps using the
// training data without repeating them.
#include <mpi.h>
#include <petscvec.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/petsc_handle.hpp"
#include "data/data_config.hpp"
#include "data/dataset.hpp"
#include "io/run_file.hpp"
#include "io/run_schema.hpp"
#include "io/point_reader.hpp"
#include "model/architecture.hpp"
#include "objective/objective.hpp"

namespace terrain::study {

struct PointInput {
  model::Architecture arch;
  data::DataConfig data_config;
  data::Data data;
  std::string data_from;                    // the run file whose -data_ options were used, or ""
  std::optional<io::DataInfo> recorded;     // the input's /data, when it has one
  io::PointSource point;                    // "run.h5:/params", step
  std::unique_ptr<objective::Objective> objective;     // on the training data
  core::OwnedVec theta;                     // the point

  PointInput() = default;
  PointInput(const PointInput&) = delete;
  PointInput& operator=(const PointInput&) = delete;

  // One line for the log: "run.h5:/params, 49 parameters, target1d: 100 samples".
  std::string describe() const;
};

// True when any -model_ option is on the command line.
bool model_options_given();

// Collective. Reads the architecture, loads the data, builds the objective and reads the point
// (step −1: /params). With data_from_run false the -data_ options must be given.
std::unique_ptr<PointInput> load_point_input(MPI_Comm comm, const std::string& path,
                                             PetscInt step, bool data_from_run = true);

// Reads the -model_ and -data_ option blocks and discards them: with -help, so that a point
// driver lists them although load_point_input (which reads them) does not run.
void list_point_options_for_help();

// The part every new self-contained point file shares: the header, /model, /data (what `data`
// is) and /params = theta. Collective on the file's communicator; does not commit.
void write_point_file(io::RunFile& file, const data::Data& data, const model::Architecture& arch,
                      Vec theta);
// The same for a point held whole on every rank (e.g. a network the embedding maps produced).
void write_point_file(io::RunFile& file, const data::Data& data, const model::Architecture& arch,
                      const std::vector<double>& theta);

}  // namespace terrain::study
