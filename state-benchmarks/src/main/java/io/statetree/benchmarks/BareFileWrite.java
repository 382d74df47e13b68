package io.statetree.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The bare file write StateTree's filesystem figures are compared with, the one place the
 * benchmarks make it: a file's new bytes go to a temp file beside it
 * ({@code .<name>.<tag>.tmp}), which is renamed over the file atomically; with fsync the temp
 * file is forced before the rename and the directory after it (a careful durable write without
 * StateTree). Not thread-safe: one writer per file.
 */
final class BareFileWrite {

	private final Path file;

	private final String tempPrefix;

	private final boolean fsync;

	/**
	 * @param file the file written (its directory exists)
	 * @param fsync whether each write forces the temp file and the directory
	 */
	BareFileWrite(Path file, boolean fsync) {
		this.file = file;
		this.tempPrefix = "." + file.getFileName() + ".";
		this.fsync = fsync;
	}

	/**
	 * Replaces the file's content.
	 * @param bytes the new content
	 * @param tag makes the temp file's name unique among this file's writes
	 * @throws IOException when a step fails (the temp file may remain)
	 */
	void write(byte[] bytes, long tag) throws IOException {
		Path temp = this.file.resolveSibling(this.tempPrefix + tag + ".tmp");
		try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			channel.write(ByteBuffer.wrap(bytes));
			if (this.fsync) {
				channel.force(true);
			}
		}
		Files.move(temp, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		if (this.fsync) {
			try (FileChannel channel = FileChannel.open(this.file.getParent(), StandardOpenOption.READ)) {
				channel.force(true);
			}
		}
	}

}
