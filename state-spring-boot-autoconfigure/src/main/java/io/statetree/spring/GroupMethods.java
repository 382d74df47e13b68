package io.statetree.spring;

import java.lang.reflect.Method;

import io.statetree.core.StateController;
import io.statetree.core.SubscribeOptions;
import io.statetree.core.Subscription;
import org.jspecify.annotations.Nullable;

/**
 * The {@link OnStateChange#group() group} side of {@code @OnStateChange} methods (DESIGN §13):
 * checks the group's name and that the method declares one pattern when its bean is created, and
 * joins the group when the method is registered, turning the controller's refusal (another
 * pattern for the group, a backend that cannot keep group progress) into an
 * {@link InvalidStateMethodException} naming the bean and the method.
 */
final class GroupMethods {

	private GroupMethods() {
	}

	/**
	 * Returns the subscription options of a method's group.
	 * @return the options, or {@code null} for an ordinary listener
	 * @throws InvalidStateMethodException when the group's name is not valid, or the method
	 * declares several patterns with a group
	 */
	static @Nullable SubscribeOptions options(String beanName, Method method, OnStateChange annotation) {
		String group = annotation.group();
		if (group.isEmpty()) {
			return null;
		}
		SubscribeOptions options;
		try {
			options = SubscribeOptions.group(group);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidStateMethodException(beanName, method, ex.getMessage(), ex);
		}
		if (annotation.value().length != 1) {
			throw new InvalidStateMethodException(beanName, method, "a member of group '" + group
					+ "' listens to exactly one pattern (a group has one pattern), but it declares "
					+ annotation.value().length + ": " + String.join(", ", annotation.value())
					+ "; use one method per pattern, each with its own group");
		}
		return options;
	}

	/**
	 * Joins a method's listener to its group.
	 * @return the subscription, whose {@code close()} leaves the group
	 * @throws InvalidStateMethodException when the controller refuses the membership
	 */
	static Subscription join(StateController controller, String beanName, StateMethodListener listener,
			SubscribeOptions options) {
		String pattern = listener.patterns().get(0);
		try {
			return controller.subscribe(pattern, listener, options);
		}
		catch (IllegalArgumentException | UnsupportedOperationException ex) {
			throw new InvalidStateMethodException(beanName, listener.method().declared(),
					"the controller refused its membership of group '" + options.group() + "': " + ex.getMessage(),
					ex);
		}
	}

}
