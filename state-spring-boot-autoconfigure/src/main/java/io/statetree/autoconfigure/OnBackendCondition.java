package io.statetree.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The condition of {@link ConditionalOnBackend}: binds {@code statetree.backend} and the mounts'
 * backends with relaxed binding, so an unknown backend fails here, naming its property.
 */
class OnBackendCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, @Nullable Object> attributes = metadata.getAnnotationAttributes(ConditionalOnBackend.class.getName());
		BackendType required = (BackendType) attributes.get("value");
		ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnBackend.class, required);
		List<String> users = usersOf(Binder.get(context.getEnvironment()), required);
		if (users.isEmpty()) {
			return ConditionOutcome.noMatch(message.because("no StateTree backend is " + name(required)));
		}
		return ConditionOutcome.match(message.found("backend").items(users));
	}

	/**
	 * Lists the properties that name a backend type.
	 * @param binder the binder
	 * @param type the type
	 * @return the property names, e.g. {@code statetree.backend}
	 */
	static List<String> usersOf(Binder binder, BackendType type) {
		List<String> users = new ArrayList<>();
		BackendType root = binder.bind("statetree.backend", BackendType.class).orElse(BackendType.MEMORY);
		if (root == type) {
			users.add("statetree.backend");
		}
		Map<String, MountBackend> mounts = binder
			.bind("statetree.mounts", Bindable.mapOf(String.class, MountBackend.class))
			.orElse(Map.of());
		mounts.forEach((name, mount) -> {
			if (mount.getBackend() == type) {
				users.add("statetree.mounts." + name + ".backend");
			}
		});
		return users;
	}

	static String name(BackendType type) {
		return type.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * A mount's backend alone, so that its other settings are not bound here.
	 */
	public static class MountBackend {

		private @Nullable BackendType backend;

		public @Nullable BackendType getBackend() {
			return this.backend;
		}

		public void setBackend(@Nullable BackendType backend) {
			this.backend = backend;
		}

	}

}
