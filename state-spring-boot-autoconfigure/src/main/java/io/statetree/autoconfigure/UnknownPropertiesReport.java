package io.statetree.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.ConfigurationProperty;

/**
 * What {@link UnknownPropertiesCheck} does once it has found {@code statetree.*} keys that no
 * properties type binds: leaves out the keys declared in configuration metadata
 * ({@link DeclaredProperties}), names the closest valid key for each other one
 * ({@link KnownProperties}) and fails start-up with an {@link UnknownPropertiesException}, or
 * logs it at WARN with {@code statetree.fail-on-unknown-properties=false}. A class of its own so
 * that a start-up without such keys loads none of this.
 */
final class UnknownPropertiesReport {

	/** The check's logger: the warning is the check's. */
	private static final Logger logger = LoggerFactory.getLogger(UnknownPropertiesCheck.class);

	private UnknownPropertiesReport() {
	}

	/**
	 * Reports the keys that are unknown after all.
	 * @param candidates the keys no properties type binds
	 * @param types the properties types
	 * @param classLoader the class loader the metadata is read from
	 * @param fail whether unknown keys fail start-up
	 * @throws UnknownPropertiesException when {@code fail} and a key is unknown
	 */
	static void report(List<ConfigurationProperty> candidates, List<UnknownPropertiesCheck.PropertiesType> types,
			@Nullable ClassLoader classLoader, boolean fail) {
		DeclaredProperties declared = new DeclaredProperties(classLoader);
		List<ConfigurationProperty> unknown = candidates.stream()
			.filter((property) -> !declared.declares(property.getName()))
			.toList();
		if (unknown.isEmpty()) {
			return;
		}
		KnownProperties known = new KnownProperties(types);
		List<UnknownPropertiesException.UnknownProperty> described = unknown.stream()
			.map((property) -> new UnknownPropertiesException.UnknownProperty(property.getName().toString(),
					(property.getOrigin() != null) ? property.getOrigin().toString() : null,
					known.closest(property.getName())))
			.toList();
		UnknownPropertiesException failure = new UnknownPropertiesException(described);
		if (fail) {
			throw failure;
		}
		logger.warn("{} (statetree.fail-on-unknown-properties is false: starting anyway)", failure.getMessage());
	}

}
