package io.statetree.core.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import io.statetree.core.StateStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revision a {@link FileSystemBackend} stores with its tree in {@code .statetree/revision}
 * (DESIGN §7, "the revision keeps increasing across restarts"): read at open, leased
 * {@value FileSystemBackend#REVISION_LEASE} at a time before a commit needs a revision above the
 * stored one, written exactly at close. Remembers what it stored and the revisions backends in
 * front reserved and did not hand back. Not thread-safe: used under the backend's write lock (and at open).
 */
final class RevisionFile {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	/**
	 * Below the backend's own directory, decimal: the exact revision after a clean close,
	 * otherwise the ceiling of the revisions leased to commits (always at least the last
	 * commit's revision).
	 */
	static final String NAME = "revision";

	private final Path directory;

	private final Path file;

	private final AtomicFiles files;

	/** The revision stored in the file; commits up to it need no write of it. */
	private long stored;

	/**
	 * The revisions backends in front reserved and did not hand back, each with how many
	 * reservations of it are held, in increasing order: the last is the highest. Several fronts
	 * may reserve the same number (a hybrid, then a cache mounted in it, numbering its own
	 * commits): one handing it back leaves it reserved while another holds it. At most
	 * {@link #KEPT} entries; older ones count as given out ({@link #floor}).
	 */
	private final java.util.ArrayDeque<long[]> reservations = new java.util.ArrayDeque<>();

	private static final int KEPT = 8;

	/** The highest reservation no longer tracked, taken as given out. */
	private long floor;

	/**
	 * @param directory the state directory, for messages
	 * @param meta the backend's own directory inside it
	 * @param files writes the file atomically
	 */
	RevisionFile(Path directory, Path meta, AtomicFiles files) {
		this.directory = directory;
		this.file = meta.resolve(NAME);
		this.files = files;
	}

	/**
	 * Reads the stored revision and remembers it as stored.
	 * @return 0 for a new directory (or one written before revisions were stored)
	 * @throws StateStorageException when the file is not a small file holding a revision number
	 */
	long read() {
		String text;
		try {
			BasicFileAttributes attributes = FileEntries.attributes(this.file);
			if (attributes == null) {
				return 0;
			}
			if (!attributes.isRegularFile() || attributes.size() > 64) {
				throw new IOException("not a small regular file");
			}
			text = new String(Files.readAllBytes(this.file), StandardCharsets.UTF_8).strip();
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read the revision file " + FileSystemBackend.META + "/" + NAME
					+ " of state directory " + this.directory + ": " + ex.getClass().getSimpleName(), ex);
		}
		try {
			long revision = Long.parseLong(text);
			if (revision >= 0) {
				this.stored = revision;
				return revision;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new StateStorageException("The revision file " + FileSystemBackend.META + "/" + NAME
				+ " of state directory " + this.directory + " does not hold a revision number; it is only damaged when"
				+ " the disk lost data (or fsync was off). Delete it to open the directory with revisions counting from 0");
	}

	/**
	 * Notes a revision a backend in front gave out, and stores it.
	 * @param revision the reserved revision
	 */
	void reserve(long revision) {
		storeAtLeast(revision);
		long[] top = this.reservations.peekLast();
		if (top == null || top[0] < revision) {
			if (this.reservations.size() == KEPT) {
				this.floor = Math.max(this.floor, this.reservations.removeFirst()[0]);
			}
			this.reservations.addLast(new long[] { revision, 1 });
			return;
		}
		// one more holder of a number already reserved, so that its hand-back leaves the others';
		// a lower number no one holds changes nothing (the close stores the highest), nor does its
		// hand-back (reservations nest: a front's commit reserves and hands back inside another's)
		for (java.util.Iterator<long[]> entries = this.reservations.descendingIterator(); entries.hasNext();) {
			long[] entry = entries.next();
			if (entry[0] == revision) {
				entry[1]++;
				return;
			}
			if (entry[0] < revision) {
				return;
			}
		}
	}

	/** The highest revision reserved and not handed back. */
	private long reserved() {
		long[] top = this.reservations.peekLast();
		return Math.max(this.floor, (top != null) ? top[0] : 0);
	}

	/**
	 * Hands back a reserved revision the backend in front did not give out (its commit changed
	 * nothing or was refused), so a clean close stores the last one it gave out: the lease stored
	 * stays, only the exact revision written at close is lower.
	 * @param revision the revision reserved last
	 */
	void release(long revision) {
		java.util.Iterator<long[]> entries = this.reservations.descendingIterator();
		while (entries.hasNext()) {
			long[] entry = entries.next();
			if (entry[0] == revision) {
				if (--entry[1] == 0) {
					entries.remove();
				}
				return;
			}
			if (entry[0] < revision) {
				return;
			}
		}
	}

	/**
	 * Makes the stored revision at least the given one, leasing
	 * {@value FileSystemBackend#REVISION_LEASE} at a time.
	 * @param revision the revision a commit is about to take
	 * @throws StateStorageException when the file cannot be written (nothing of the commit was)
	 */
	void storeAtLeast(long revision) {
		if (revision <= this.stored) {
			return;
		}
		long lease = revision + FileSystemBackend.REVISION_LEASE - 1;
		try {
			this.files.write(this.file, bytes(lease));
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot write the revision file " + FileSystemBackend.META + "/" + NAME
					+ " of state directory " + this.directory + "; nothing was written: " + ex, ex);
		}
		this.stored = lease;
	}

	/**
	 * Stores the exact revision at close (the higher of the last commit's and the reserved one),
	 * logging rather than throwing when it cannot: the lease already stored stays valid.
	 * @param revision the last commit's revision
	 */
	void storeExact(long revision) {
		long exact = Math.max(revision, reserved());
		if (this.stored == exact) {
			return;
		}
		try {
			this.files.write(this.file, bytes(exact));
		}
		catch (IOException ex) {
			logger.warn("Cannot store the revision of state directory {} at close; it reopens at revision {}: {}",
					this.directory, this.stored, ex.toString());
		}
	}

	private static byte[] bytes(long revision) {
		return (revision + "\n").getBytes(StandardCharsets.UTF_8);
	}

}
