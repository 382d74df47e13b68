package io.statetree.autoconfigure;

import java.util.List;

import io.statetree.autoconfigure.security.StateTreeSecurityProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * What StateTree reads reflectively or as a resource, for GraalVM native images: its
 * {@code @ConfigurationProperties} types (bound by the {@code Binder}), the records its actuator
 * endpoints write as JSON (when the actuator is on the class path), and the configuration metadata
 * that the unknown-property check reads ({@code META-INF/spring-configuration-metadata.json}).
 * The {@code @OnStateChange} and {@code @Derived} methods of the application's beans get their
 * hints from {@code @Reflective} on those annotations.
 */
class StateTreeRuntimeHints implements RuntimeHintsRegistrar {

	private static final List<Class<?>> PROPERTIES = List.of(StateTreeProperties.class,
			StateTreeGroupsProperties.class, StateTreeCheckProperties.class, StateTreeSecurityProperties.class);

	private static final List<String> DESCRIPTORS = List.of("io.statetree.actuate.StateTreeEndpoint$TreeDescriptor",
			"io.statetree.actuate.StateTreeEndpoint$BackendDescriptor",
			"io.statetree.actuate.StateTreeEndpoint$ValueDescriptor",
			"io.statetree.actuate.StateTreeEndpoint$SnapshotDescriptor",
			"io.statetree.actuate.StateTreeEndpoint$ChildrenDescriptor",
			"io.statetree.actuate.StateTreeEndpoint$WriteDescriptor",
			"io.statetree.actuate.StateTreeChangesEndpoint$ChangesDescriptor",
			"io.statetree.actuate.StateTreeChangesEndpoint$CommitDescriptor",
			"io.statetree.actuate.StateTreeChangesEndpoint$ChangeDescriptor",
			"io.statetree.actuate.StateTreeGroupsEndpoint$GroupsDescriptor",
			"io.statetree.actuate.StateTreeGroupsEndpoint$GroupDescriptor",
			"io.statetree.actuate.StateTreeGroupsEndpoint$DeadLettersDescriptor",
			"io.statetree.actuate.StateTreeGroupsEndpoint$DeadLetterDescriptor",
			"io.statetree.actuate.StateTreeGroupsEndpoint$DeadLetterActionDescriptor");

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();
		for (Class<?> type : PROPERTIES) {
			bindings.registerReflectionHints(hints.reflection(), type);
		}
		if (ClassUtils.isPresent("org.springframework.boot.actuate.endpoint.annotation.Endpoint", classLoader)) {
			for (String name : DESCRIPTORS) {
				if (ClassUtils.isPresent(name, classLoader)) {
					bindings.registerReflectionHints(hints.reflection(), ClassUtils.resolveClassName(name, classLoader));
				}
			}
		}
		hints.resources().registerPattern("META-INF/spring-configuration-metadata.json");
	}

}
