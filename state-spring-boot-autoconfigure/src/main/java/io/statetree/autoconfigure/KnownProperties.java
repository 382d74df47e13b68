package io.statetree.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.core.ResolvableType;

/**
 * The property names StateTree's {@code @ConfigurationProperties} types accept, as templates, and
 * the one closest to a misspelt name. Only used to suggest a name: whether a name is known is
 * decided by binding ({@link UnknownPropertiesCheck}).
 * <p>
 * A template is a list of elements: a literal (in dashed form), {@link #MAP_KEY} for the key of a
 * map ({@code statetree.mounts.<name>.path}) or {@link #INDEX} for a list index
 * ({@code statetree.security.rules[i].pattern}). The types are walked through their JavaBean
 * properties: a property whose type is one of StateTree's own classes (other than an enum) is a
 * section, every other property a leaf.
 */
final class KnownProperties {

	/** Template element that stands for any map key. */
	static final String MAP_KEY = "<name>";

	/** Template element that stands for any list index. */
	static final String INDEX = "[i]";

	private static final String OWN_PACKAGE = "io.statetree.";

	private final List<List<String>> templates = new ArrayList<>();

	/**
	 * Collects the templates of properties types.
	 * @param types the types with their prefixes
	 */
	KnownProperties(List<UnknownPropertiesCheck.PropertiesType> types) {
		for (UnknownPropertiesCheck.PropertiesType type : types) {
			List<String> root = new ArrayList<>();
			for (int i = 0; i < type.prefix().getNumberOfElements(); i++) {
				root.add(type.prefix().getElement(i, Form.DASHED));
			}
			walk(root, type.type(), 0);
		}
	}

	/**
	 * Returns every template in its printed form, such as {@code statetree.mounts.<name>.path}.
	 * @return the templates
	 */
	List<String> templates() {
		return this.templates.stream().map(KnownProperties::print).toList();
	}

	private void walk(List<String> prefix, Class<?> type, int depth) {
		if (depth > 8) {
			return;
		}
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())) {
				continue;
			}
			List<String> name = new ArrayList<>(prefix);
			name.add(DataObjectPropertyName.toDashedForm(descriptor.getName()));
			ResolvableType propertyType = ResolvableType.forMethodReturnType(descriptor.getReadMethod());
			add(name, propertyType, depth);
		}
	}

	private void add(List<String> name, ResolvableType type, int depth) {
		Class<?> resolved = type.resolve(Object.class);
		if (Map.class.isAssignableFrom(resolved)) {
			Class<?> values = type.asMap().getGeneric(1).resolve(Object.class);
			name.add(MAP_KEY);
			if (isSection(values)) {
				walk(name, values, depth + 1);
			}
			else {
				this.templates.add(name);
			}
		}
		else if (Collection.class.isAssignableFrom(resolved) || resolved.isArray()) {
			Class<?> elements = resolved.isArray() ? type.getComponentType().resolve(Object.class)
					: type.asCollection().getGeneric(0).resolve(Object.class);
			if (isSection(elements)) {
				name.add(INDEX);
				walk(name, elements, depth + 1);
			}
			else {
				this.templates.add(name);
			}
		}
		else if (isSection(resolved)) {
			walk(name, resolved, depth + 1);
		}
		else {
			this.templates.add(name);
		}
	}

	private static boolean isSection(Class<?> type) {
		return type.getName().startsWith(OWN_PACKAGE) && !type.isEnum() && !type.isInterface();
	}

	/**
	 * Finds the known name closest to an unknown one by edit distance. Map keys and list indexes
	 * of the unknown name are kept, so {@code statetree.mounts.files.pth} is closest to
	 * {@code statetree.mounts.files.path}. A name with fewer elements than a template is compared
	 * with the template's start, so {@code statetree.mount} is closest to {@code statetree.mounts}
	 * (given with an example of a full name under it).
	 * @param unknown the unknown name
	 * @return the suggestion, or {@code null} when no known name is close
	 */
	@Nullable String closest(ConfigurationPropertyName unknown) {
		List<String> elements = elements(unknown);
		String printedUnknown = print(elements);
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (List<String> template : this.templates) {
			List<String> candidate = instantiate(template, elements);
			boolean truncated = elements.size() < candidate.size();
			List<String> compared = truncated ? candidate.subList(0, elements.size()) : candidate;
			int distance = distance(printedUnknown, print(compared));
			if (distance > 0 && distance < bestDistance) {
				bestDistance = distance;
				best = truncated ? print(compared) + " (such as " + print(candidate) + ")" : print(candidate);
			}
		}
		int changedPart = Math.max(1, printedUnknown.length() - common(printedUnknown, best));
		return (best != null && bestDistance <= Math.max(2, changedPart / 2)) ? best : null;
	}

	/** The length of the elements two printed names share at their start. */
	private static int common(String a, @Nullable String b) {
		if (b == null) {
			return 0;
		}
		int lastDot = 0;
		for (int i = 0; i < Math.min(a.length(), b.length()); i++) {
			if (a.charAt(i) != b.charAt(i)) {
				return lastDot;
			}
			if (a.charAt(i) == '.') {
				lastDot = i + 1;
			}
		}
		return lastDot;
	}

	private static List<String> elements(ConfigurationPropertyName name) {
		List<String> elements = new ArrayList<>();
		for (int i = 0; i < name.getNumberOfElements(); i++) {
			String element = name.getElement(i, Form.DASHED);
			elements.add(name.isNumericIndex(i) ? "[" + element + "]" : element);
		}
		return elements;
	}

	/** The template with its map keys and indexes taken from the unknown name where it has them. */
	private static List<String> instantiate(List<String> template, List<String> unknown) {
		List<String> candidate = new ArrayList<>(template.size());
		for (int i = 0; i < template.size(); i++) {
			String element = template.get(i);
			if (i < unknown.size() && (MAP_KEY.equals(element)
					|| (INDEX.equals(element) && unknown.get(i).matches("\\[[0-9]+]")))) {
				candidate.add(unknown.get(i));
			}
			else {
				candidate.add(element);
			}
		}
		return candidate;
	}

	private static String print(List<String> elements) {
		StringBuilder printed = new StringBuilder();
		for (String element : elements) {
			if (printed.length() > 0 && !element.startsWith("[")) {
				printed.append('.');
			}
			printed.append(element);
		}
		return printed.toString();
	}

	/** Levenshtein distance. */
	static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

}
