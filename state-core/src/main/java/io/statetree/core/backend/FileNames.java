package io.statetree.core.backend;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Set;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The reversible mapping between path segments and file names used by {@link FileSystemBackend}.
 * <p>
 * A segment's <em>stem</em> is the segment with these characters written as {@code %XX} (the
 * UTF-8 bytes in upper-case hex): {@code %}, the characters Windows forbids ({@code < > : " \ | ? *}),
 * every non-ASCII character (an unpaired surrogate is written {@code %uXXXX}), a leading
 * {@code .} or {@code ~}, a trailing {@code .} or space, the first letter of a name Windows
 * reserves ({@code CON}, {@code NUL}, {@code COM1}, ... also with an extension), and the last
 * dot when the segment ends with the data file extension. A value's file is
 * {@code stem + "." + extension}, a branch's directory is {@code stem}; so names are plain ASCII,
 * a directory name never ends with the extension, and internal files (all starting with
 * {@code .}) never collide with data. A stem longer than {@value #MAX_NAME_LENGTH} characters
 * with its extension is replaced by {@code ~} and a hash of the segment; the segment itself is
 * kept in a name file {@code .~hash.name} beside it.
 */
final class FileNames {

	/** The longest data file name used as is (leaves room for temp-file affixes under 255 bytes). */
	static final int MAX_NAME_LENGTH = 200;

	static final char HASHED_PREFIX = '~';

	static final String NAME_FILE_SUFFIX = ".name";

	private static final String FORBIDDEN = "%<>:\"\\|?*/";

	private static final Set<String> RESERVED = Set.of("CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3",
			"COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
			"LPT7", "LPT8", "LPT9", "CONIN$", "CONOUT$");

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

	private FileNames() {
	}

	/**
	 * The names a segment takes in a directory.
	 * @param segment the segment
	 * @param stem the directory name
	 * @param file the data file name
	 * @param hashed whether the stem is a hash (a name file holds the segment)
	 */
	record Names(String segment, String stem, String file, boolean hashed) {

		String nameFile() {
			return "." + this.stem + NAME_FILE_SUFFIX;
		}

	}

	static Names names(String segment, String extension) {
		String stem = encode(segment, extension);
		if (stem.length() + 1 + extension.length() > MAX_NAME_LENGTH) {
			stem = HASHED_PREFIX + hash(segment);
			return new Names(segment, stem, stem + "." + extension, true);
		}
		return new Names(segment, stem, stem + "." + extension, false);
	}

	/**
	 * Encodes a segment into its stem (without the hashing of long names).
	 * @param segment the segment
	 * @param extension the data file extension, without dot
	 * @return the stem
	 */
	static String encode(String segment, String extension) {
		int n = segment.length();
		int lastDot = -1;
		if (segment.regionMatches(true, n - extension.length() - 1, "." + extension, 0, extension.length() + 1)) {
			lastDot = n - extension.length() - 1;
		}
		boolean reserved = isReserved(segment);
		StringBuilder sb = new StringBuilder(n + 8);
		for (int i = 0; i < n; i++) {
			char c = segment.charAt(i);
			boolean escape = c < 0x20 || c >= 0x7f || FORBIDDEN.indexOf(c) >= 0 || i == lastDot
					|| (i == 0 && (c == '.' || c == HASHED_PREFIX || reserved))
					|| (i == n - 1 && (c == '.' || c == ' '));
			if (!escape) {
				sb.append(c);
			}
			else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(segment.charAt(i + 1))) {
				appendBytes(sb, segment.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
				i++;
			}
			else if (Character.isSurrogate(c)) {
				sb.append("%u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
					.append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
			}
			else {
				appendBytes(sb, String.valueOf(c).getBytes(StandardCharsets.UTF_8));
			}
		}
		return sb.toString();
	}

	private static boolean isReserved(String segment) {
		int dot = segment.indexOf('.');
		String base = (dot < 0) ? segment : segment.substring(0, dot);
		base = base.stripTrailing();
		return base.length() >= 3 && base.length() <= 6 && RESERVED.contains(base.toUpperCase(Locale.ROOT));
	}

	private static void appendBytes(StringBuilder sb, byte[] bytes) {
		for (byte b : bytes) {
			sb.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
		}
	}

	/**
	 * Decodes a stem that is not hashed.
	 * @param stem the stem
	 * @param extension the data file extension
	 * @return the segment, or {@code null} when the stem is not one this class produces (a file
	 * some person or program put there, which the backend ignores)
	 */
	static @Nullable String decode(String stem, String extension) {
		if (stem.isEmpty() || stem.charAt(0) == HASHED_PREFIX || stem.charAt(0) == '.') {
			return null;
		}
		StringBuilder out = new StringBuilder(stem.length());
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		int n = stem.length();
		for (int i = 0; i < n; i++) {
			char c = stem.charAt(i);
			if (c != '%') {
				if (!flush(bytes, out)) {
					return null;
				}
				out.append(c);
				continue;
			}
			if (i + 5 < n && stem.charAt(i + 1) == 'u') {
				if (!flush(bytes, out)) {
					return null;
				}
				int code = hex(stem, i + 2, 4);
				if (code < 0) {
					return null;
				}
				out.append((char) code);
				i += 5;
				continue;
			}
			int b = (i + 2 < n) ? hex(stem, i + 1, 2) : -1;
			if (b < 0) {
				return null;
			}
			bytes.write(b);
			i += 2;
		}
		if (!flush(bytes, out)) {
			return null;
		}
		String segment = out.toString();
		try {
			StatePath.ROOT.child(segment);
		}
		catch (RuntimeException ex) {
			return null;
		}
		return encode(segment, extension).equals(stem) ? segment : null;
	}

	private static boolean flush(ByteArrayOutputStream bytes, StringBuilder out) {
		if (bytes.size() == 0) {
			return true;
		}
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		try {
			CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes.toByteArray()));
			out.append(chars);
		}
		catch (CharacterCodingException ex) {
			return false;
		}
		bytes.reset();
		return true;
	}

	private static int hex(String s, int from, int count) {
		if (from + count > s.length()) {
			return -1;
		}
		int value = 0;
		for (int i = from; i < from + count; i++) {
			char c = s.charAt(i);
			int d;
			if (c >= '0' && c <= '9') {
				d = c - '0';
			}
			else if (c >= 'A' && c <= 'F') {
				d = c - 'A' + 10;
			}
			else {
				return -1;
			}
			value = value * 16 + d;
		}
		return value;
	}

	/**
	 * Hashes a long segment into 32 lower-case base-32 characters (160 bits of SHA-256).
	 * @param segment the segment
	 * @return the hash
	 */
	static String hash(String segment) {
		byte[] chars = new byte[segment.length() * 2];
		for (int i = 0; i < segment.length(); i++) {
			chars[2 * i] = (byte) (segment.charAt(i) >> 8);
			chars[2 * i + 1] = (byte) segment.charAt(i);
		}
		byte[] digest;
		try {
			digest = MessageDigest.getInstance("SHA-256").digest(chars);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
		StringBuilder sb = new StringBuilder(32);
		long buffer = 0;
		int bits = 0;
		for (int i = 0; i < 20; i++) {
			buffer = (buffer << 8) | (digest[i] & 0xFF);
			bits += 8;
			while (bits >= 5) {
				sb.append(BASE32[(int) (buffer >> (bits - 5)) & 0x1F]);
				bits -= 5;
			}
		}
		return sb.toString();
	}

	/**
	 * Tells whether a name is a valid hashed stem.
	 * @param stem a directory entry name without extension
	 * @return whether it has the hashed form
	 */
	static boolean isHashed(String stem) {
		if (stem.length() != 33 || stem.charAt(0) != HASHED_PREFIX) {
			return false;
		}
		for (int i = 1; i < 33; i++) {
			char c = stem.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Checks a serializer's file extension.
	 * @param extension the extension, without the dot
	 * @return it
	 * @throws IllegalArgumentException unless it is 1 to 10 ASCII letters or digits
	 */
	static String checkExtension(String extension) {
		if (extension.isEmpty() || extension.length() > 10 || !extension.chars().allMatch(c -> (c >= 'a' && c <= 'z')
				|| (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
			throw new IllegalArgumentException("Serializer extension '" + extension
					+ "' must be 1 to 10 ASCII letters or digits");
		}
		return extension;
	}

}
