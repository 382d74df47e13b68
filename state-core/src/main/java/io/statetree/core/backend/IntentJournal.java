package io.statetree.core.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.statetree.core.StateStorageException;
import io.statetree.core.backend.IntentLog.Kind;
import io.statetree.core.backend.IntentLog.Op;

/**
 * The write-ahead journal of a {@link FileSystemBackend} with fsync on ({@code .statetree/journal.log}):
 * a commit, or a group of commits made together, appends its file operations as one frame and
 * forces the journal once; its files are then written without forcing each one (DESIGN §7: the
 * commit is durable once its frame is). A checkpoint forces the files and directories the frames
 * since the last one touched and then empties the journal, so it stays short: after
 * {@value #CHECKPOINT_FRAMES} frames or {@value #CHECKPOINT_BYTES} bytes, and at close.
 * <p>
 * At open, every whole frame is replayed in order ({@link #readFrames}): each operation is
 * idempotent, and replaying the frames from whatever state a crash left the unforced files in
 * ends in the state after the last frame. A frame cut short (a crash or power loss during its
 * append) belongs to a commit that never returned: it and anything after it are dropped.
 * <p>
 * A frame is its length (4 bytes) followed by an {@link IntentLog} encoding, which carries its
 * own CRC-32. Not thread-safe: used under the backend's write lock.
 */
final class IntentJournal implements AutoCloseable {

	/** Below the backend's own directory: the journal. */
	static final String FILE = "journal.log";

	/** Frames after which a checkpoint empties the journal. */
	static final int CHECKPOINT_FRAMES = 256;

	/** Bytes after which a checkpoint empties the journal. */
	static final long CHECKPOINT_BYTES = 8L * 1024 * 1024;

	private final Path directory;

	private final Path file;

	private final AtomicFiles files;

	private final FileChannel channel;

	private long length;

	private int frames;

	/**
	 * Whether an append failed and could not be cut back: the journal may hold a frame past
	 * {@link #length}, so nothing is appended until a checkpoint empties it.
	 */
	private boolean unsettled;

	/** Files written since the last checkpoint, unforced. */
	private final Set<Path> dirtyFiles = new HashSet<>();

	/** Directories whose entries changed since the last checkpoint, unforced. */
	private final Set<Path> dirtyDirectories = new HashSet<>();

	/**
	 * Opens an empty journal (after {@link #readFrames} replayed what was there).
	 * @param directory the state directory
	 * @param meta the backend's own directory
	 * @param files forces files and directories
	 * @throws IOException when it cannot be created
	 */
	IntentJournal(Path directory, Path meta, AtomicFiles files) throws IOException {
		this.directory = directory;
		this.file = meta.resolve(FILE);
		this.files = files;
		boolean existed = Files.exists(this.file, LinkOption.NOFOLLOW_LINKS);
		this.channel = FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
		this.channel.force(true);
		if (!existed) {
			files.syncDirectory(meta);
		}
	}

	/**
	 * Appends one frame and forces the journal: once this returns, the operations survive a crash.
	 * @param ops the operations of a commit or a group of commits, in order
	 * @throws IOException when it cannot be written or forced; the journal is then cut back to
	 * what it held before, and if even that fails, {@link UncertainAppendException} (the journal
	 * is then {@link #unsettled()} until a checkpoint)
	 */
	void append(List<Op> ops) throws IOException {
		if (this.unsettled) {
			throw new IOException("the journal holds a frame that could not be cut back; a checkpoint must empty it first");
		}
		byte[] encoded = IntentLog.encode(this.directory, ops);
		ByteBuffer buffer = ByteBuffer.allocate(4 + encoded.length);
		buffer.putInt(encoded.length).put(encoded).flip();
		long at = this.length;
		try {
			while (buffer.hasRemaining()) {
				at += this.channel.write(buffer, at);
			}
			this.channel.force(false);
		}
		catch (IOException ex) {
			try {
				this.channel.truncate(this.length);
				this.channel.force(false);
			}
			catch (IOException cut) {
				this.unsettled = true;
				UncertainAppendException uncertain = new UncertainAppendException(ex);
				uncertain.addSuppressed(cut);
				throw uncertain;
			}
			throw ex;
		}
		this.length = at;
		this.frames++;
	}

	/**
	 * Notes what a frame's operations wrote unforced, for the next checkpoint.
	 * @param ops the operations, applied
	 */
	void applied(List<Op> ops) {
		for (Op op : ops) {
			Path parent = op.path().getParent();
			if (op.kind() == Kind.PUT) {
				this.dirtyFiles.add(op.path());
			}
			else if (op.kind() == Kind.MKDIR) {
				this.dirtyDirectories.add(op.path());
			}
			this.dirtyDirectories.add(parent);
		}
	}

	/** Whether the journal has grown enough for a checkpoint. */
	boolean checkpointDue() {
		return this.frames >= CHECKPOINT_FRAMES || this.length >= CHECKPOINT_BYTES;
	}

	/** Whether an append could not be cut back, until a checkpoint empties the journal. */
	boolean unsettled() {
		return this.unsettled;
	}

	/** Whether frames were appended since the last checkpoint. */
	boolean isEmpty() {
		return this.frames == 0;
	}

	/**
	 * Forces every file and directory written since the last checkpoint, then empties the journal.
	 * On failure the journal keeps its frames (a later checkpoint or the next open takes over).
	 * @throws IOException when something cannot be forced or the journal cannot be emptied
	 */
	void checkpoint() throws IOException {
		if (this.frames == 0 && !this.unsettled) {
			return;
		}
		for (Path path : this.dirtyFiles) {
			this.files.syncFile(path);
		}
		for (Path dir : this.dirtyDirectories) {
			try {
				this.files.syncDirectory(dir);
			}
			catch (NoSuchFileException ex) {
				// deleted since: its parent's entry is forced instead
			}
		}
		this.channel.truncate(0);
		this.channel.force(true);
		this.dirtyFiles.clear();
		this.dirtyDirectories.clear();
		this.length = 0;
		this.frames = 0;
		this.unsettled = false;
	}

	/**
	 * Closes the journal without a checkpoint, keeping its frames for the replay at the next open
	 * (while files lag behind them).
	 * @throws IOException when it cannot be closed
	 */
	void closeKeepingFrames() throws IOException {
		this.channel.close();
	}

	@Override
	public void close() throws IOException {
		try {
			checkpoint();
		}
		finally {
			this.channel.close();
		}
	}

	/**
	 * Reads the whole frames a journal holds, for the replay at open.
	 * @param directory the state directory
	 * @param file the journal
	 * @return each frame's operations, oldest first; empty without a journal
	 * @throws IOException when it cannot be read
	 */
	static List<List<Op>> readFrames(Path directory, Path file) throws IOException {
		if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
			return List.of();
		}
		byte[] bytes = Files.readAllBytes(file);
		List<List<Op>> frames = new ArrayList<>();
		int at = 0;
		while (at + 4 <= bytes.length) {
			int length = ByteBuffer.wrap(bytes, at, 4).getInt();
			if (length <= 0 || length > bytes.length - at - 4) {
				break; // cut short by a crash during its append
			}
			byte[] frame = new byte[length];
			System.arraycopy(bytes, at + 4, frame, 0, length);
			try {
				frames.add(IntentLog.decode(directory, frame, file));
			}
			catch (StateStorageException ex) {
				break; // torn: never forced, so its commit never returned
			}
			at += 4 + length;
		}
		return frames;
	}

	/**
	 * An append that failed and could not be cut back: its frame may survive, so its commit may be
	 * made at the next open.
	 */
	static final class UncertainAppendException extends IOException {

		private static final long serialVersionUID = 1L;

		UncertainAppendException(IOException cause) {
			super(cause.toString(), cause);
		}

	}

}
