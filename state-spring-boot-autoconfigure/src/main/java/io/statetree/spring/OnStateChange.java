package io.statetree.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;
import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method as a listener of state changes at one or more path patterns.
 * <pre class="code">
 * &#64;OnStateChange("/users/{id}")
 * void userChanged(&#64;PathVar("id") String id, &#64;OldValue User before, User after) { ... }
 * </pre>
 * <p>
 * Parameters are bound by type and annotation:
 * <ul>
 * <li>a {@link io.statetree.core.StateEvent} parameter receives the event;</li>
 * <li>a {@link PathVar @PathVar} parameter receives a variable captured by the pattern, converted
 * to the parameter's type;</li>
 * <li>an {@link OldValue @OldValue} parameter receives the value before the change, converted to
 * the parameter's type with the application's Jackson {@code JsonMapper};</li>
 * <li>at most one other parameter receives the new value, converted the same way.</li>
 * </ul>
 * Values are the values at the event's {@linkplain io.statetree.core.StateEvent#emittingPath()
 * emitting path}; an absent value binds as {@code null}. A method whose parameters cannot be bound
 * fails the start of the application with a message naming the bean and the method.
 * <p>
 * The method is invoked on the bean as the container exposes it, so proxies ({@code @Transactional},
 * {@code @Async}) apply. Listeners are registered once all singletons are created (and, for beans
 * created later, such as lazy beans, as soon as they are created), and unregistered when their bean
 * is destroyed. The annotation may be used as a meta-annotation.
 *
 * @see StateTreeAnnotationBeanPostProcessor
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(StateMethodReflectiveProcessor.class)
public @interface OnStateChange {

	/**
	 * The path patterns to listen to, see {@link io.statetree.core.PathPattern}. Alias for
	 * {@link #patterns()}.
	 * @return the patterns
	 */
	@AliasFor("patterns")
	String[] value() default {};

	/**
	 * The path patterns to listen to. Alias for {@link #value()}.
	 * @return the patterns
	 */
	@AliasFor("value")
	String[] patterns() default {};

	/**
	 * A SpEL expression that must evaluate to {@code true} for the method to be called. The event
	 * is the root object and the variable {@code #event}, e.g.
	 * {@code "#event.newValue() != null"}; beans are available as {@code @beanName}.
	 * @return the condition; empty means always
	 */
	String condition() default "";

	/**
	 * The listener's id, as shown by the actuator and usable with
	 * {@link io.statetree.core.StateController#subscribeById}. Must be unique in the application.
	 * @return the id; empty means {@code beanName#methodName}
	 */
	String id() default "";

	/**
	 * Makes the method a member of a durable group listener (DESIGN §13,
	 * {@link io.statetree.core.SubscribeOptions#group(String)}): each event is handled by exactly one
	 * member of the group among the instances sharing the backend, retried on failure
	 * ({@code statetree.groups.*}), and handled one at a time per key, in revision order. A group
	 * member declares exactly one pattern, the group's (on every instance); otherwise the start of
	 * the application fails. An event its {@link #condition()} rejects counts as handled.
	 * @return the group's name; empty means an ordinary listener
	 */
	String group() default "";

}
