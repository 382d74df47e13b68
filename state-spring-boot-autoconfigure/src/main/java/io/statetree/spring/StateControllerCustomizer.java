package io.statetree.spring;

import io.statetree.core.StateControllerBuilder;

/**
 * Customizes the {@link StateControllerBuilder} of the auto-configured controller. Customizer
 * beans are applied in their {@link org.springframework.core.Ordered order}, after the
 * {@code statetree.*} properties, so a customizer overrides a property.
 */
@FunctionalInterface
public interface StateControllerCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder, with the backend, the application's {@code JsonMapper} and the
	 * {@code statetree.*} properties already applied
	 */
	void customize(StateControllerBuilder builder);

}
