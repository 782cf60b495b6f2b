#include "study/point_input.hpp"

#include <sstream>

#include "core/error.hpp"
#include "data/load_data.hpp"
#include "model/parameter_layout.hpp"
#include "objective/replicated.hpp"

namespace terrain::study {

namespace {

const char* const kModelOptions[] = {"-model_widths",     "-model_activation", "-model_loss",
                                     "-model_bias",       "-model_residual",   "-model_init_scale",
                                     "-model_init_gamma", "-model_init_bias",  "-model_seed"};

bool has_option(const char* name) {
  PetscBool set = PETSC_FALSE;
  TERRAIN_PETSC(PetscOptionsHasName(nullptr, nullptr, name, &set));
  return set == PETSC_TRUE;
}

}  // namespace

bool model_options_given() {
  for (const char* name : kModelOptions)
    if (has_option(name)) return true;
  return false;
}

std::string PointInput::describe() const {
  std::ostringstream os;
  os << point.source << ", " << objective->n_params() << " parameters, " << data.name << ": "
     << data.train.n_global << " samples";
  if (!data_from.empty()) os << " (-data_ options of " << data_from << ")";
  return os.str();
}

std::unique_ptr<PointInput> load_point_input(MPI_Comm comm, const std::string& path,
                                             PetscInt step, bool data_from_run) {
  auto in = std::make_unique<PointInput>();
  io::RunFile file = io::RunFile::open_read(comm, path);
  io::check_schema(file);
  const bool run_file = file.has("/model");
  if (model_options_given()) {
    in->arch = model::Architecture::from_options();
  } else {
    TERRAIN_CHECK(run_file, path << ": no /model (a parameter file?): give the network with "
                                    "-model_widths and the other -model_ options");
    in->arch = io::read_model(file);
  }
  if (!has_option("-data_source") && data_from_run) {
    const auto recorded = io::recorded_options(file, "-data_");
    TERRAIN_CHECK(!recorded.empty(), path << " records no -data_ options: give -data_source and "
                                             "the other -data_ options of the training run");
    for (const auto& [name, value] : recorded)
      if (!has_option(name.c_str()))
        TERRAIN_PETSC(
            PetscOptionsSetValue(nullptr, name.c_str(), value.empty() ? nullptr : value.c_str()));
    in->data_from = path;
  }
  if (run_file && file.has("/data")) in->recorded = io::read_data_info(file);
  file.close();

  in->data_config = data::DataConfig::from_options();
  in->data = data::load_data(comm, in->data_config);
  if (in->recorded && in->recorded->n_train != in->data.train.n_global)
    PetscPrintf(comm, "warning: %s was trained on %lld samples, the data given have %lld\n",
                path.c_str(), static_cast<long long>(in->recorded->n_train),
                static_cast<long long>(in->data.train.n_global));
  in->objective = std::make_unique<objective::Objective>(comm, in->arch, in->data.train);
  in->theta.reset(in->objective->create_vec());
  io::read_point(comm, path, in->arch, step, in->theta);
  in->point.step = step;
  in->point.source = path + (step < 0 ? ":/params"
                                      : ":/trajectory/params (step " + std::to_string(step) + ")");
  return in;
}

void list_point_options_for_help() {
  model::Architecture::from_options();
  data::DataConfig::from_options();
}

void write_point_file(io::RunFile& file, const data::Data& data, const model::Architecture& arch,
                      Vec theta) {
  const model::ParameterLayout layout(arch);
  PetscInt n = 0;
  TERRAIN_PETSC(VecGetSize(theta, &n));
  TERRAIN_CHECK(n == layout.size(), "internal: a parameter vector of " << n << " entries for a "
                                        "network of " << layout.size() << " parameters");
  io::write_header(file);
  io::write_model(file, arch, layout);
  io::write_data_info(file, data.name, data.source, data.train.n_global, data.test.n_global,
                      data.train.d_in, data.train.d_out);
  io::write_params(file, theta);
}

void write_point_file(io::RunFile& file, const data::Data& data, const model::Architecture& arch,
                      const std::vector<double>& theta) {
  core::OwnedVec v;
  TERRAIN_PETSC(VecCreateMPI(file.comm(), PETSC_DECIDE, static_cast<PetscInt>(theta.size()), v.out()));
  objective::distribute(theta, v);
  write_point_file(file, data, arch, v);
}

}  // namespace terrain::study
