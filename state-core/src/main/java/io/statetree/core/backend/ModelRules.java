package io.statetree.core.backend;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.statetree.core.InvalidPathException;
import io.statetree.core.StatePath;
import io.statetree.core.StateValueException;

/**
 * The rules every value obeys when it enters the model, in one place: object keys are valid path
 * segments, no path below the value's own path has more than {@link StatePath#MAX_DEPTH}
 * segments (array indexes count), numbers are finite and within what JSON parsers read back
 * ({@value #MAX_NUMBER_DIGITS} digits, a decimal scale within +/-{@value #MAX_DECIMAL_SCALE}).
 * <p>
 * A {@link Walk} follows one conversion: the converters call {@link Walk#enter}/{@link Walk#exit}
 * around each child, {@link Walk#key} for each object key and {@link Walk#number} for each
 * number. Messages name the path and the reason, never a value. Not thread-safe: one walk per
 * conversion. DESIGN §2 (values), §3 (path limits), §19 (exact numbers, nesting and path limits agree).
 */
final class ModelRules {

	/** The most digits a number may have (Jackson's default read limit for a number). */
	public static final int MAX_NUMBER_DIGITS = 1_000;

	/**
	 * The largest magnitude of a decimal's scale (its power of ten): the limit Jackson applies
	 * when it writes a decimal in plain notation ({@code WRITE_BIGDECIMAL_AS_PLAIN}), so every
	 * stored decimal can be written by any mapper configuration.
	 */
	public static final int MAX_DECIMAL_SCALE = 9_999;

	/**
	 * How deep stored data may nest when read back: no value written under these rules nests
	 * deeper (it is stored at a path of at least one segment), so deeper data (edited by hand,
	 * or written before the rule) fails on read, naming where, rather than on a later write.
	 */
	static final int MAX_STORED_NESTING = StatePath.MAX_DEPTH;

	private static final String[] NO_NAMES = new String[0];

	private static final int[] NO_INDEXES = new int[0];

	/** 10^1000 needs 3,322 bits: an integer of at most this many bits has at most 1,000 digits. */
	private static final int SAFE_BITS = 3_321;

	private ModelRules() {
	}

	/**
	 * Starts a walk for a value about to be written at a path: every rule applies.
	 * @param at where the value goes
	 * @return the walk
	 */
	public static Walk writing(StatePath at) {
		return new Walk(at, true);
	}

	/**
	 * Starts a walk for stored data read back (a file, a Redis node): keys and finiteness are
	 * checked, the path and size limits are not (data written before they existed stays
	 * readable).
	 * @return the walk
	 */
	public static Walk reading() {
		return new Walk(StatePath.ROOT, false);
	}

	/**
	 * Tells whether a decimal text is exactly what {@link Double#toString(double)} prints for the
	 * double it denotes: such text reads back as a {@code Double}, any other decimal text as a
	 * {@code BigDecimal}.
	 * @param text a JSON number
	 * @return whether it is a double's canonical text
	 */
	public static boolean isDoubleText(String text) {
		if (text.indexOf('.') < 0) {
			return false;
		}
		try {
			double d = Double.parseDouble(text);
			return Double.isFinite(d) && Double.toString(d).equals(text);
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	/**
	 * Prints a model number as JSON so that it reads back with the same value and type: a
	 * {@code Double} as {@link Double#toString(double)}; a {@code BigDecimal} as its own text,
	 * unless that text would read back as an integer or a {@code Double}, in which case as its
	 * unscaled value and exponent ({@code 15E-1} for {@code 1.5}, {@code 100E0} for
	 * {@code 100}), which keeps its scale too; integers as their digits.
	 * @param number a model number
	 * @return the JSON text
	 */
	public static String numberText(Number number) {
		if (number instanceof Double d) {
			return Double.toString(d);
		}
		if (number instanceof BigDecimal decimal) {
			String text = decimal.toString();
			if (decimal.scale() == 0 || isDoubleText(text)) {
				return decimal.unscaledValue() + "E" + (-(long) decimal.scale());
			}
			return text;
		}
		if (number instanceof Float f) {
			return Float.toString(f);
		}
		return number.toString();
	}

	/**
	 * Finds an unpaired surrogate, a {@code char} that no UTF-8 text can hold.
	 * @param text a string
	 * @return its index, or -1 when every surrogate is paired
	 */
	public static int unpairedSurrogate(String text) {
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
				if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
					i++;
				}
				else {
					return i;
				}
			}
		}
		return -1;
	}

	/**
	 * Escapes control and invisible format characters, and unpaired surrogates, for messages.
	 * @param text a key or path
	 * @return the text with such characters as {@code \\uXXXX}
	 */
	static String printable(String text) {
		StringBuilder sb = new StringBuilder(text.length() + 8);
		text.codePoints().forEach((cp) -> {
			int type = Character.getType(cp);
			if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE) {
				sb.append(String.format("\\u%04x", cp));
			}
			else {
				sb.appendCodePoint(cp);
			}
		});
		return sb.toString();
	}

	/**
	 * One conversion's position in the value: the base path and the segments walked below it.
	 */
	static final class Walk {

		private final StatePath base;

		private final boolean writing;

		private String[] names = NO_NAMES;

		private int[] indexes = NO_INDEXES;

		private int depth;

		Walk(StatePath base, boolean writing) {
			this.base = base;
			this.writing = writing;
		}

		/**
		 * Steps into an object's child.
		 * @param key the child's key, already checked with {@link #key}
		 * @throws StateValueException if the child's path would be too deep
		 */
		public void enter(String key) {
			push(key, -1);
		}

		/**
		 * Steps into an array's element.
		 * @param index the element's index
		 * @throws StateValueException if the element's path would be too deep
		 */
		public void enter(int index) {
			push(null, index);
		}

		private void push(String name, int index) {
			int next = this.depth + 1;
			if (this.writing) {
				if (this.base.depth() + next > StatePath.MAX_DEPTH) {
					throw tooDeep();
				}
			}
			else if (next > MAX_STORED_NESTING) {
				throw new StateValueException("Stored value is nested more than " + MAX_STORED_NESTING
						+ " levels deep, beyond the path limit");
			}
			if (this.depth == this.names.length) {
				int size = Math.max(8, this.depth * 2);
				this.names = Arrays.copyOf(this.names, size);
				this.indexes = Arrays.copyOf(this.indexes, size);
			}
			this.names[this.depth] = name;
			this.indexes[this.depth] = index;
			this.depth = next;
		}

		/**
		 * Steps back out of the child last entered.
		 */
		public void exit() {
			this.depth--;
		}

		/**
		 * Checks an object key: it must be a valid path segment.
		 * @param key the key
		 * @return the key
		 * @throws InvalidPathException naming the key (escaped) and why it is refused
		 */
		public String key(String key) {
			String problem;
			try {
				StatePath.ROOT.child(key);
				return key;
			}
			catch (InvalidPathException ex) {
				String prefix = "segment '" + key + "' ";
				String reason = ex.getReason();
				problem = reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason;
			}
			String where = location();
			throw new InvalidPathException(where.equals("/") ? "/" + key : where + "/" + key,
					"object key '" + printable(key) + "' inside the value written at " + this.base
							+ " is not a valid path segment: it " + problem);
		}

		/**
		 * Checks and normalises a number: integers become the smallest of {@code Integer},
		 * {@code Long}, {@code BigInteger}; {@code Float} becomes the {@code Double} of its
		 * text; {@code Double} and {@code BigDecimal} stay as they are.
		 * @param number the number
		 * @return the model number
		 * @throws StateValueException for NaN, an infinity, or a number beyond the limits
		 */
		public Number number(Number number) {
			if (number instanceof Integer) {
				return number;
			}
			if (number instanceof Double d) {
				if (!Double.isFinite(d)) {
					throw notFinite();
				}
				return d;
			}
			if (number instanceof Float f && !Float.isFinite(f)) {
				throw notFinite();
			}
			Number normal;
			try {
				normal = ValueImport.normalizeNumber(number);
			}
			catch (NumberFormatException ex) {
				throw new StateValueException("Number at " + location() + " of type " + number.getClass().getName()
						+ " is not a decimal number");
			}
			if (normal instanceof Double d && !Double.isFinite(d)) {
				throw notFinite();
			}
			if (this.writing) {
				if (normal instanceof BigInteger big && big.bitLength() > SAFE_BITS) {
					int digits = big.abs().toString().length();
					if (digits > MAX_NUMBER_DIGITS) {
						throw tooLong(digits);
					}
				}
				else if (normal instanceof BigDecimal decimal) {
					checkDecimal(decimal);
				}
			}
			return normal;
		}

		/**
		 * Checks a string: written text must have a UTF-8 form, so an unpaired surrogate is
		 * refused (YAML files and Redis would store another character in its place). Stored text
		 * read back is not checked.
		 * @param text the string
		 * @return the string
		 * @throws StateValueException naming the path, never the text
		 */
		public String string(String text) {
			if (this.writing && unpairedSurrogate(text) >= 0) {
				throw unpaired();
			}
			return text;
		}

		private StateValueException unpaired() {
			return new StateValueException("String at " + location()
					+ " contains an unpaired surrogate, which has no UTF-8 form (stores would keep another character)");
		}

		/**
		 * Reads a JSON decimal (a number with a fraction or exponent) exactly: a {@code Double}
		 * when the text is what {@link Double#toString(double)} prints for it (see
		 * {@link ModelRules#numberText}), a {@code BigDecimal} otherwise.
		 * @param text the number's text
		 * @return the model number
		 * @throws StateValueException if the text is not a finite decimal or breaks a limit
		 */
		public Number decimal(String text) {
			if (isDoubleText(text)) {
				return Double.parseDouble(text);
			}
			BigDecimal decimal;
			try {
				decimal = new BigDecimal(text);
			}
			catch (NumberFormatException ex) {
				throw notFinite();
			}
			return number(decimal);
		}

		private void checkDecimal(BigDecimal decimal) {
			int scale = decimal.scale();
			if (scale > MAX_DECIMAL_SCALE || scale < -MAX_DECIMAL_SCALE) {
				throw new StateValueException("Number at " + location() + " has a decimal scale beyond +/-"
						+ MAX_DECIMAL_SCALE + ", more than JSON writers accept");
			}
			int digits = decimal.precision();
			if (digits > MAX_NUMBER_DIGITS) {
				throw tooLong(digits);
			}
		}

		/**
		 * Checks a value that is already in the model (a branch or array read from the tree):
		 * only its nesting can break a rule, since its keys and numbers were checked when it
		 * was built.
		 * @param value a model value
		 * @throws StateValueException if it would create paths that are too deep here
		 */
		public void model(Object value) {
			if (!this.writing) {
				return;
			}
			int budget = StatePath.MAX_DEPTH - this.base.depth() - this.depth;
			if (height(value, budget) > budget) {
				throw tooDeep();
			}
		}

		/**
		 * How many segments a value adds below its path (0 for a leaf or an empty container),
		 * counting only up to {@code budget + 1}.
		 */
		private static int height(Object value, int budget) {
			if (value instanceof Map<?, ?> map) {
				if (budget <= 0) {
					return map.isEmpty() ? 0 : 1;
				}
				int max = 0;
				for (Object child : map.values()) {
					max = Math.max(max, 1 + height(child, budget - 1));
					if (max > budget) {
						return max;
					}
				}
				return max;
			}
			if (value instanceof List<?> list) {
				if (list.isEmpty()) {
					return 0;
				}
				if (budget <= 0) {
					return 1;
				}
				int max = 1;
				for (Object child : list) {
					if (child != null) {
						max = Math.max(max, 1 + height(child, budget - 1));
						if (max > budget) {
							return max;
						}
					}
				}
				return max;
			}
			return 0;
		}

		private StateValueException tooDeep() {
			int levels = StatePath.MAX_DEPTH - this.base.depth();
			return new StateValueException("Value written at " + this.base + " is nested more than " + levels
					+ " levels deep: its paths would have more than " + StatePath.MAX_DEPTH
					+ " segments, the path limit");
		}

		private StateValueException notFinite() {
			return new StateValueException("Number at " + location()
					+ " is not a finite number: NaN and infinities have no JSON form");
		}

		private StateValueException tooLong(int digits) {
			return new StateValueException("Number at " + location() + " has " + digits + " digits, more than "
					+ MAX_NUMBER_DIGITS + " (JSON readers refuse longer numbers)");
		}

		/**
		 * Returns the path of the current position, for messages.
		 * @return the base path followed by the segments walked
		 */
		public String location() {
			if (this.depth == 0) {
				return this.base.toString();
			}
			StringBuilder sb = new StringBuilder(this.base.isRoot() ? "" : this.base.toString());
			for (int i = 0; i < this.depth; i++) {
				sb.append('/');
				if (this.names[i] != null) {
					sb.append(printable(this.names[i]));
				}
				else {
					sb.append(this.indexes[i]);
				}
			}
			return sb.toString();
		}

	}

}
