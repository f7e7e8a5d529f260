/* fuzz_manifest.c - an .mlpackage's Manifest.json (frontend/bundle.c): the
 * bytes become the manifest of a package on disk whose Data/ holds a small
 * MIL model and a folder, so valid manifests reach the root item. */
#include "fuzz/fuzz_util.h"
#include "frontend/frontend.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char model_mil[] =
	"program(1.0)\n{\n    func main<ios16>(tensor<fp32, [1, 4]> x) {\n"
	"        tensor<fp32, [1, 4]> y = relu(x = x)[name = string(\"y\")];\n"
	"    } -> (y);\n}\n";

static char package[64];

/* The package goes when the fuzzer exits (its files are ours, by name). */
static void remove_package(void)
{
	static const char *const files[] = {
		"Manifest.json", "Data/com.apple.CoreML/model.mil", "Data/com.apple.CoreML/weights",
		"Data/com.apple.CoreML", "Data", "",
	};
	char path[256];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", package, files[i]);
		remove(path);
	}
}

/* The package, made once per process in a fresh temporary folder. */
static const char *package_dir(void)
{
	if (package[0])
		return package;
	snprintf(package, sizeof package, "/tmp/anelint-fuzz-XXXXXX");
	char path[256];
	if (!mkdtemp(package))
		abort();
	snprintf(path, sizeof path, "%s/Data", package);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/Data/com.apple.CoreML", package);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/Data/com.apple.CoreML/weights", package);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/Data/com.apple.CoreML/model.mil", package);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fputs(model_mil, f);
	fclose(f);
	atexit(remove_package);
	return package;
}

/* The bytes become Manifest.json; the package is loaded whole. */
static Module *read_package(const uint8_t *data, size_t size, DiagList *dl)
{
	const char *dir = package_dir();
	char path[256];
	snprintf(path, sizeof path, "%s/Manifest.json", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	return fe_load(dir, dl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(read_package, data, size);
	return 0;
}
