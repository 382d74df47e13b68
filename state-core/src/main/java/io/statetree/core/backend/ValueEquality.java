package io.statetree.core.backend;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * JSON equality of model values and a hash consistent with it (DESIGN §2: two values are equal
 * when their JSON trees are equal; numbers compare by the decimal value they denote). Used by
 * {@link Branch} and {@link ValueList} for {@code equals}/{@code hashCode}, and by every
 * "did this write change anything" check. Stateless, thread-safe.
 */
final class ValueEquality {

	private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);

	private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

	private ValueEquality() {
	}

	static boolean equal(@Nullable Object a, @Nullable Object b) {
		if (a == b) {
			return true;
		}
		if (a == null || b == null) {
			return false;
		}
		if (a instanceof Number na) {
			if (a instanceof Integer ia && b instanceof Integer ib) {
				// the common case (counters, derived counts): one comparison, no call through Number
				return ia.intValue() == ib.intValue();
			}
			return (b instanceof Number nb) && numbersEqual(na, nb);
		}
		if (a instanceof Map<?, ?> ma) {
			if (!(b instanceof Map<?, ?> mb) || ma.size() != mb.size()) {
				return false;
			}
			for (Map.Entry<?, ?> entry : ma.entrySet()) {
				Object other = mb.get(entry.getKey());
				if (other == null || !equal(entry.getValue(), other)) {
					return false;
				}
			}
			return true;
		}
		if (a instanceof List<?> la) {
			if (!(b instanceof List<?> lb) || la.size() != lb.size()) {
				return false;
			}
			Iterator<?> ia = la.iterator();
			Iterator<?> ib = lb.iterator();
			while (ia.hasNext()) {
				if (!equal(ia.next(), ib.next())) {
					return false;
				}
			}
			return true;
		}
		return a.equals(b);
	}

	/**
	 * Numbers are equal when the decimal numbers they denote are equal: a {@code Double} denotes
	 * the decimal {@link Double#toString(double)} prints, so {@code 0.1} equals
	 * {@code BigDecimal("0.1")} and {@code 1.0} equals {@code 1}, while two decimals that differ
	 * only beyond a double's precision stay different. A non-finite double (never in the model)
	 * equals only itself.
	 */
	private static boolean numbersEqual(Number a, Number b) {
		if (a instanceof Float f) {
			return numbersEqual(Double.parseDouble(f.toString()), b);
		}
		if (b instanceof Float f) {
			return numbersEqual(a, Double.parseDouble(f.toString()));
		}
		if (isIntegral(a) && isIntegral(b)) {
			if (!(a instanceof BigInteger) && !(b instanceof BigInteger)) {
				return a.longValue() == b.longValue();
			}
			return toBigInteger(a).equals(toBigInteger(b));
		}
		boolean da = a instanceof Double || a instanceof Float;
		boolean db = b instanceof Double || b instanceof Float;
		if (da && db) {
			return a.doubleValue() == b.doubleValue();
		}
		if ((da && !Double.isFinite(a.doubleValue())) || (db && !Double.isFinite(b.doubleValue()))) {
			return false;
		}
		// Below 2^53 a whole double prints as its exact value, so comparing the binary value is
		// comparing the decimal it denotes; above, it prints rounded (2^60 as
		// 1.15292150460684698E18): the printed decimal decides, as for every other number.
		if (da && isIntegral(b) && !(b instanceof BigInteger) && Math.abs(a.doubleValue()) < 0x1p53) {
			return a.doubleValue() == b.longValue() && isExactLong(a.doubleValue(), b.longValue());
		}
		if (db && isIntegral(a) && !(a instanceof BigInteger) && Math.abs(b.doubleValue()) < 0x1p53) {
			return b.doubleValue() == a.longValue() && isExactLong(b.doubleValue(), a.longValue());
		}
		return toBigDecimal(a).compareTo(toBigDecimal(b)) == 0;
	}

	private static boolean isExactLong(double d, long l) {
		return d >= -0x1p63 && d < 0x1p63 && (long) d == l;
	}

	private static boolean isIntegral(Number n) {
		return n instanceof Integer || n instanceof Long || n instanceof BigInteger || n instanceof Short
				|| n instanceof Byte;
	}

	private static BigInteger toBigInteger(Number n) {
		return (n instanceof BigInteger b) ? b : BigInteger.valueOf(n.longValue());
	}

	private static BigDecimal toBigDecimal(Number n) {
		if (n instanceof BigDecimal d) {
			return d;
		}
		if (n instanceof BigInteger b) {
			return new BigDecimal(b);
		}
		if (isIntegral(n)) {
			return BigDecimal.valueOf(n.longValue());
		}
		if (n instanceof Double || n instanceof Float) {
			return new BigDecimal(Double.toString(n.doubleValue()));
		}
		return new BigDecimal(n.toString());
	}

	static int hash(@Nullable Object value) {
		if (value == null) {
			return 0;
		}
		if (value instanceof Number n) {
			return hashNumber(n);
		}
		if (value instanceof Map<?, ?> map) {
			int h = 0;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				h += entry.getKey().hashCode() ^ hash(entry.getValue());
			}
			return h;
		}
		if (value instanceof List<?> list) {
			int h = 1;
			for (Object element : list) {
				h = 31 * h + hash(element);
			}
			return h;
		}
		return value.hashCode();
	}

	/**
	 * Equal numbers (see {@link #numbersEqual}) hash alike: an integer value that fits in a
	 * {@code long} hashes as that {@code long}, any other value as the nearest double.
	 */
	private static int hashNumber(Number n) {
		if (n instanceof Float f) {
			return hashNumber(Double.parseDouble(f.toString()));
		}
		if (isIntegral(n)) {
			if (n instanceof BigInteger b && (b.compareTo(LONG_MIN) < 0 || b.compareTo(LONG_MAX) > 0)) {
				return Double.hashCode(b.doubleValue());
			}
			return Long.hashCode(n.longValue());
		}
		if (n instanceof BigDecimal decimal) {
			if (decimal.signum() == 0) {
				return Long.hashCode(0);
			}
			BigDecimal stripped = decimal.stripTrailingZeros();
			if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 19) {
				BigInteger integer = stripped.toBigInteger();
				if (integer.compareTo(LONG_MIN) >= 0 && integer.compareTo(LONG_MAX) <= 0) {
					return Long.hashCode(integer.longValue());
				}
			}
			return Double.hashCode(decimal.doubleValue());
		}
		double d = n.doubleValue();
		if (Math.abs(d) >= 0x1p53 && Math.abs(d) < 0x1p63) {
			// Equal to the decimal it prints as, which may differ from its binary value here.
			return hashNumber(new BigDecimal(Double.toString(d)));
		}
		if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
			return Long.hashCode((long) d);
		}
		return Double.hashCode(d);
	}

}
