package io.statetree.core.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StateStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a {@link FileSystemBackend}'s {@link HistoryLog} agree with its tree after a crash
 * (DESIGN §11): a commit's record is appended before its files, so at open the last record may
 * belong to a commit whose files never got in; the intent log was replayed by then, so the tree
 * holds either every value that commit wrote or every value it replaced, and the record is
 * dropped in the second case. A clean close notes the last revision in
 * {@code .statetree/history/closed}, so after one the check is skipped (files edited by hand
 * while the backend was closed do not take a commit out of the history). Stateless; called at
 * open and under the backend's write lock.
 */
final class HistoryRecovery {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	/**
	 * In the history's folder: the last revision when the backend closed cleanly. When it is the
	 * log's last revision at open, the last commit is not checked against the tree (files edited
	 * by hand while the backend was closed do not take a commit out of the history).
	 */
	static final String CLOSED = "closed";

	private HistoryRecovery() {
	}

	/**
	 * Opens the log and drops its last records while their commits' files never got in (a crash
	 * after the records' append, before the commits' files; a group of commits logs its records
	 * together): the journal and the intent log were replayed already, so the tree holds either
	 * every value a commit wrote or every value it replaced.
	 * @param directory the state directory
	 * @param meta the backend's own directory
	 * @param files for directory syncs
	 * @param fsync whether appends are forced to disk
	 * @param size how many commits to keep, at least 1
	 * @param revision the backend's stored revision
	 * @param reader reads the tree
	 * @return the log
	 * @throws StateStorageException when the folder cannot be listed or created, or the last
	 * record cannot be cut off
	 */
	static HistoryLog open(Path directory, Path meta, AtomicFiles files, boolean fsync, int size, long revision,
			FileTreeReader reader) {
		HistoryLog log = new HistoryLog(directory, meta, files, fsync, size, revision);
		if (log.lastRevision() == closedAt(log.folder())) {
			// closed cleanly after its last commit: a file that differs was edited by hand since
			return log;
		}
		// a group of commits (group commit) logs its records together, before its files: a crash
		// between the two leaves several records whose commits never got in, each on paths of its own
		for (int dropped = 0;; dropped++) {
			Commit last;
			try {
				last = log.last();
			}
			catch (StateStorageException ex) {
				logger.error("Cannot check the last commit of the history against the tree: {}", ex.getMessage());
				return log;
			}
			if (last == null || dropped >= GroupCommits.MAX_GROUP || !holdsValuesBefore(reader, last)) {
				break;
			}
			logger.info("Dropping revision {} from the history of state directory {}: a crash stopped that commit"
					+ " before its files were written", last.revision(), directory);
			log.dropLast();
		}
		return log;
	}

	/**
	 * After a commit's files failed before it was made ({@link AtomicCommit#execute} threw): when
	 * the tree no longer holds the old values all the same, the commit counts as made, so its
	 * record is published; otherwise the record is taken back.
	 * @param reader reads the tree as stored
	 * @param log the history log
	 * @param pending the commit's record
	 * @return whether the commit counts as made (its revision is then used)
	 */
	static boolean settleFailed(FileTreeReader reader, HistoryLog log, HistoryLog.Pending pending) {
		boolean made;
		try {
			made = !holdsValuesBefore(reader, pending.commit());
		}
		catch (RuntimeException ex) {
			made = true;
		}
		if (made) {
			log.published(pending);
		}
		else {
			log.abandon(pending);
		}
		return made;
	}

	/**
	 * Whether the tree holds, at every path a commit changed, the value from before it. An
	 * unreadable file counts as not holding it.
	 * @param reader reads the tree
	 * @param commit the commit
	 * @return whether none of its values is in the tree
	 */
	static boolean holdsValuesBefore(FileTreeReader reader, Commit commit) {
		for (ChangedPath change : commit.changes()) {
			try {
				if (!StateValues.equal(reader.read(change.path()), change.oldValue())) {
					return false;
				}
			}
			catch (RuntimeException ex) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Deletes the history log a backend without one ({@code historySize(0)}) finds in its
	 * directory, before that backend's first commit: the commits it makes are not logged, so an
	 * earlier log, kept, would claim to be followed by the next logged commit and a watch or a
	 * history read from before would skip the commits between without knowing. Without the log a
	 * later open with a history starts a new one after the revision it finds, and reading from
	 * before that behaves as for commits no longer retained (a watch starts with a resync).
	 * @param directory the state directory, for messages
	 * @param meta the backend's own directory
	 * @param files for the directory sync
	 * @throws StateStorageException when a segment cannot be deleted (before anything of the
	 * commit is written)
	 */
	static void forgetLog(Path directory, Path meta, AtomicFiles files) {
		Path folder = meta.resolve(HistoryLog.DIRECTORY);
		if (!Files.isDirectory(folder)) {
			return;
		}
		try {
			List<Path> segments = new ArrayList<>();
			try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
				for (Path file : stream) {
					if (HistoryLog.SEGMENT.matcher(file.getFileName().toString()).matches()) {
						segments.add(file);
					}
				}
			}
			if (segments.isEmpty()) {
				return;
			}
			for (Path segment : segments) {
				Files.deleteIfExists(segment);
			}
			Files.deleteIfExists(folder.resolve(CLOSED));
			files.syncDirectory(folder);
			logger.info("Deleted the history log of state directory {}: it is opened without a history "
					+ "(historySize 0), and the log would not reach back across the commits made now", directory);
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot delete the history log " + FileSystemBackend.META + "/"
					+ HistoryLog.DIRECTORY + " of state directory " + directory + ", which a backend without a history "
					+ "deletes before its first commit; nothing was written: " + ex, ex);
		}
	}

	/**
	 * Notes a clean close.
	 * @param files writes the note atomically
	 * @param folder the history's folder
	 * @param last the log's last revision
	 * @param directory the state directory, for messages
	 */
	static void noteCleanClose(AtomicFiles files, Path folder, long last, Path directory) {
		if (last == 0 || last == closedAt(folder)) {
			return;
		}
		try {
			files.write(folder.resolve(CLOSED), (last + "\n").getBytes(StandardCharsets.US_ASCII));
		}
		catch (IOException ex) {
			logger.warn("Cannot note the clean close of the history of state directory {}: {}", directory, ex.toString());
		}
	}

	/**
	 * The last revision noted at the last clean close.
	 * @param folder the history's folder
	 * @return it, or -1 when none was noted
	 */
	static long closedAt(Path folder) {
		Path file = folder.resolve(CLOSED);
		try {
			if (Files.isRegularFile(file) && Files.size(file) <= 32) {
				return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
			}
		}
		catch (IOException | NumberFormatException ex) {
			logger.debug("Cannot read {}", file, ex);
		}
		return -1;
	}

}
