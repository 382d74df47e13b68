package io.statetree.core.backend;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import io.statetree.core.StatePath;
import io.statetree.core.StateValueException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Conversion of Java objects and Jackson trees into the immutable model (DESIGN §2: what
 * {@code set} accepts and how numbers keep their exact value), every value passing the checks of
 * a {@link ModelRules.Walk}. Nothing is built when a rule is broken. Stateless, thread-safe.
 */
final class ValueImport {

	private ValueImport() {
	}

	/** A branch of already converted children in their order, {@code null} children left out. */
	static Branch branch(Map<String, ?> children) {
		if (children instanceof Branch branch) {
			return branch;
		}
		PersistentOrderedMap<String, Object> map = PersistentOrderedMap.empty();
		for (Map.Entry<String, ?> entry : children.entrySet()) {
			if (entry.getValue() != null) {
				map = map.put(entry.getKey(), entry.getValue());
			}
		}
		return Branch.of(map);
	}

	static @Nullable Object fromJson(@Nullable JsonNode node, ModelRules.Walk walk) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		if (node.isObject()) {
			PersistentOrderedMap<String, Object> map = PersistentOrderedMap.empty();
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				JsonNode value = field.getValue();
				if (value == null || value.isNull() || value.isMissingNode()) {
					continue;
				}
				String key = walk.key(field.getKey());
				walk.enter(key);
				Object child = fromJson(value, walk);
				walk.exit();
				map = map.put(key, child);
			}
			return Branch.of(map);
		}
		if (node.isArray()) {
			Object[] elements = new Object[node.size()];
			int i = 0;
			for (JsonNode element : node) {
				walk.enter(i);
				elements[i++] = fromJson(element, walk);
				walk.exit();
			}
			return ValueList.wrap(elements);
		}
		if (node.isString()) {
			return walk.string(node.stringValue());
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		if (node.isNumber()) {
			return walk.number(node.numberValue());
		}
		if (node.isBinary()) {
			return node.asString();
		}
		throw new StateValueException("Value at " + walk.location() + " contains a " + node.getNodeType()
				+ " node, which is not JSON data");
	}

	/** See {@link StateValues#fromJava(StatePath, Object, Function)}: the plain values first, without a walk. */
	static @Nullable Object fromJava(StatePath at, @Nullable Object value, Function<Object, JsonNode> fallback) {
		if (value == null || value instanceof Boolean || value instanceof Integer) {
			return value;
		}
		if (value instanceof String s && ModelRules.unpairedSurrogate(s) < 0) {
			return s;
		}
		if (value instanceof Long l) {
			return (l == l.intValue()) ? (Object) l.intValue() : l;
		}
		if (value instanceof Double d && Double.isFinite(d)) {
			return d;
		}
		return fromJava(value, fallback, ModelRules.writing(at), new IdentityHashMap<>());
	}

	private static @Nullable Object fromJava(@Nullable Object value, Function<Object, JsonNode> fallback,
			ModelRules.Walk walk, IdentityHashMap<Object, Boolean> visiting) {
		if (value == null) {
			return null;
		}
		if (value instanceof String s) {
			return walk.string(s);
		}
		if (value instanceof Boolean) {
			return value;
		}
		if (value instanceof Number number) {
			return walk.number(number);
		}
		if (value instanceof Branch || value instanceof ValueList) {
			walk.model(value);
			return value;
		}
		if (value instanceof Character) {
			return walk.string(value.toString());
		}
		// An enum goes through the fallback (the application's mapper), so it is stored as that
		// mapper writes it, and a typed read of it (or of a record holding it) finds it again.
		if (value instanceof Map<?, ?> map) {
			enter(value, visiting);
			PersistentOrderedMap<String, Object> result = PersistentOrderedMap.empty();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				Object key = entry.getKey();
				if (key == null) {
					throw new StateValueException("Value at " + walk.location() + " contains a map with a null key");
				}
				if (entry.getValue() == null) {
					continue;
				}
				String name = walk.key(key.toString());
				if (result.containsKey(name)) {
					// Two keys with the same text (1 and "1"): one would silently replace the other.
					throw new StateValueException("Value at " + walk.location() + " contains a map with two keys that "
							+ "both become the segment '" + name + "'");
				}
				walk.enter(name);
				Object child = fromJava(entry.getValue(), fallback, walk, visiting);
				walk.exit();
				if (child != null) {
					result = result.put(name, child);
				}
			}
			visiting.remove(value);
			return Branch.of(result);
		}
		if (value instanceof Collection<?> collection) {
			enter(value, visiting);
			Object[] elements = new Object[collection.size()];
			int i = 0;
			for (Object element : collection) {
				walk.enter(i);
				elements[i++] = fromJava(element, fallback, walk, visiting);
				walk.exit();
			}
			visiting.remove(value);
			return ValueList.wrap(elements);
		}
		if (value instanceof Object[] array) {
			enter(value, visiting);
			Object[] elements = new Object[array.length];
			for (int i = 0; i < array.length; i++) {
				walk.enter(i);
				elements[i] = fromJava(array[i], fallback, walk, visiting);
				walk.exit();
			}
			visiting.remove(value);
			return ValueList.wrap(elements);
		}
		JsonNode tree;
		try {
			tree = fallback.apply(value);
		}
		catch (StateValueException ex) {
			throw ex;
		}
		catch (RuntimeException | StackOverflowError ex) {
			throw new StateValueException("Cannot convert value of type " + value.getClass().getName()
					+ " at " + walk.location() + " to JSON: " + ex.getMessage(), ex);
		}
		return fromJson(tree, walk);
	}

	private static void enter(Object value, IdentityHashMap<Object, Boolean> visiting) {
		if (visiting.put(value, Boolean.TRUE) != null) {
			throw new StateValueException("Value contains a cycle through a " + value.getClass().getName());
		}
	}

	static Number normalizeNumber(Number number) {
		if (number instanceof Integer) {
			return number;
		}
		if (number instanceof Long l) {
			return (l == l.intValue()) ? (Number) l.intValue() : l;
		}
		if (number instanceof Short || number instanceof Byte) {
			return number.intValue();
		}
		if (number instanceof BigInteger big) {
			if (big.bitLength() < 32) {
				return big.intValue();
			}
			if (big.bitLength() < 64) {
				return big.longValue();
			}
			return big;
		}
		if (number instanceof Float f) {
			return Double.parseDouble(f.toString());
		}
		if (number instanceof Double || number instanceof BigDecimal) {
			return number;
		}
		if (number instanceof AtomicInteger || number instanceof AtomicLong || number instanceof LongAdder
				|| number instanceof LongAccumulator) {
			return normalizeNumber(number.longValue());
		}
		if (number instanceof DoubleAdder || number instanceof DoubleAccumulator) {
			return number.doubleValue();
		}
		// Another Number: the decimal its text spells, an integer kept as an integer.
		BigDecimal decimal = new BigDecimal(number.toString());
		return (decimal.scale() == 0) ? normalizeNumber(decimal.toBigInteger()) : decimal;
	}

}
