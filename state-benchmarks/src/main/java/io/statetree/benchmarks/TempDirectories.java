package io.statetree.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Deletes the temp directories the filesystem benchmarks write in, the one place they do it.
 */
final class TempDirectories {

	private TempDirectories() {
	}

	/**
	 * Deletes a directory and everything below it, deepest first.
	 * @param directory the directory
	 * @throws IOException when a file or directory cannot be deleted (the rest may remain)
	 */
	static void delete(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
	}

}
