package io.statetree.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Explains an unknown backend in {@code statetree.backend} or {@code statetree.mounts.<name>.backend}.
 * Ordered before Spring Boot's generic analysis of binding failures.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnknownBackendFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

	private static final Pattern BACKEND_PROPERTY = Pattern.compile("statetree\\.(mounts\\.[^.]+\\.)?backend");

	private static final String VALID = Arrays.stream(BackendType.values())
		.map((type) -> type.name().toLowerCase(Locale.ROOT))
		.collect(Collectors.joining(", "));

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		String name = cause.getName().toString();
		if (!BACKEND_PROPERTY.matcher(name).matches()) {
			return null;
		}
		ConfigurationProperty property = cause.getProperty();
		StringBuilder description = new StringBuilder("StateTree cannot use the backend ");
		if (property != null) {
			description.append('\'').append(property.getValue()).append("' ");
		}
		description.append("named by property '").append(name).append("'");
		if (property != null && property.getOrigin() != null) {
			description.append(" (from ").append(property.getOrigin()).append(')');
		}
		description.append(": it is not a known backend.");
		return new FailureAnalysis(description.toString(),
				"Set '" + name + "' to one of: " + VALID + ".", cause);
	}

}
