// The least a warm run with a parse cache keyed by path, size and modification time must do before it can trust any
// entry: list the metadata tree and stat every XML file. Scripts/bench.py builds and times it (issue 5); not part of
// axlicense.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static long files, checksum;

static void walk(int parent, const char *name) {
    int folder = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder < 0) return;
    DIR *entries = fdopendir(folder);
    if (!entries) { close(folder); return; }
    struct dirent *entry;
    while ((entry = readdir(entries))) {
        if (entry->d_name[0] == '.') continue;
        if (entry->d_type == DT_DIR) { walk(folder, entry->d_name); continue; }
        size_t length = strlen(entry->d_name);
        if (length > 4 && strcasecmp(entry->d_name + length - 4, ".xml") == 0) {
            struct stat status;
            if (fstatat(folder, entry->d_name, &status, AT_SYMLINK_NOFOLLOW) == 0) {
                files++;
                checksum += status.st_size ^ status.st_mtim.tv_nsec;  // use the key, so nothing is optimised away
            }
        }
    }
    closedir(entries);
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: cache-key-floor METADATA-FOLDER\n"); return 64; }
    walk(AT_FDCWD, argv[1]);
    printf("%ld files (%ld)\n", files, checksum);
    return 0;
}
