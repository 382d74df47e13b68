package io.statetree.core.backend;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import io.statetree.core.StateStorageException;
import org.jspecify.annotations.Nullable;

/**
 * The write-ahead intent log of {@link FileSystemBackend}: the file operations of one commit,
 * written (and fsynced) before any of them is applied. Every operation is idempotent, so
 * replaying a log whose operations were partly or wholly applied ends in the same state.
 * <p>
 * Binary layout: {@code "STIL"}, version, operation count, then per operation a kind byte, the
 * path relative to the data directory ({@code /}-separated, modified UTF-8) and the data (length,
 * bytes; length -1 when none), and last a CRC-32 of everything before it.
 */
final class IntentLog {

	private static final int MAGIC = 0x5354494C;

	private static final int VERSION = 1;

	private IntentLog() {
	}

	enum Kind {

		/** Write a file atomically with the given bytes. */
		PUT,
		/** Delete a file or a whole directory, if present. */
		DELETE,
		/** Create a directory, if absent. */
		MKDIR

	}

	/**
	 * One file operation.
	 * @param kind what to do
	 * @param path the absolute file path, inside the data directory
	 * @param data the bytes to write for {@link Kind#PUT}
	 * @param visible whether a reader could tell it happened (name files are not)
	 */
	record Op(Kind kind, Path path, byte @Nullable [] data, boolean visible) {
	}

	static byte[] encode(Path base, List<Op> ops) {
		try {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			DataOutputStream out = new DataOutputStream(bytes);
			out.writeInt(MAGIC);
			out.writeInt(VERSION);
			out.writeInt(ops.size());
			for (Op op : ops) {
				out.writeByte(op.kind().ordinal());
				Path relative = base.relativize(op.path());
				StringBuilder sb = new StringBuilder();
				for (Path part : relative) {
					if (sb.length() > 0) {
						sb.append('/');
					}
					sb.append(part.toString());
				}
				out.writeUTF(sb.toString());
				byte[] data = op.data();
				out.writeInt((data != null) ? data.length : -1);
				if (data != null) {
					out.write(data);
				}
				out.writeBoolean(op.visible());
			}
			out.flush();
			CRC32 crc = new CRC32();
			crc.update(bytes.toByteArray());
			out.writeLong(crc.getValue());
			out.flush();
			return bytes.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot encode intent log in memory", ex);
		}
	}

	static List<Op> decode(Path base, byte[] bytes, Path file) {
		if (bytes.length < 20) {
			throw damaged(file, "it is truncated: it holds " + bytes.length + " bytes, fewer than a header and checksum");
		}
		CRC32 crc = new CRC32();
		crc.update(bytes, 0, bytes.length - 8);
		try {
			DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
			if (in.readInt() != MAGIC || in.readInt() != VERSION) {
				throw damaged(file, "it does not start with the StateTree intent log header");
			}
			int count = in.readInt();
			List<Op> ops = new ArrayList<>(Math.max(0, Math.min(count, 10_000)));
			for (int i = 0; i < count; i++) {
				int kind = in.readUnsignedByte();
				if (kind >= Kind.values().length) {
					throw damaged(file, "operation " + i + " has an unknown kind " + kind);
				}
				String relative = in.readUTF();
				Path path = base;
				for (String part : relative.split("/", -1)) {
					if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\\') >= 0
							|| part.indexOf(':') >= 0) {
						throw damaged(file, "operation " + i + " names a path outside the directory");
					}
					path = path.resolve(part);
				}
				int length = in.readInt();
				byte[] data = null;
				if (length > bytes.length) {
					throw new EOFException();
				}
				if (length >= 0) {
					data = new byte[length];
					in.readFully(data);
				}
				boolean visible = in.readBoolean();
				ops.add(new Op(Kind.values()[kind], path, data, visible));
			}
			if (in.readLong() != crc.getValue()) {
				throw damaged(file, "its checksum does not match");
			}
			return ops;
		}
		catch (EOFException ex) {
			throw damaged(file, "it is truncated: it ends before its last operation and checksum");
		}
		catch (IOException ex) {
			throw damaged(file, "it cannot be decoded (" + ex.getClass().getSimpleName() + ")");
		}
		catch (java.nio.file.InvalidPathException ex) {
			// a damaged name (a NUL, say) the file system refuses; its message quotes the name
			throw damaged(file, "an operation names a file the file system refuses");
		}
	}

	private static StateStorageException damaged(Path file, String why) {
		return new StateStorageException("The intent log " + file + " is damaged: " + why
				+ ". It is only damaged when the disk lost data the backend had fsynced (or fsync was off);"
				+ " inspect the directory, then delete the log to open it as it is");
	}

}
