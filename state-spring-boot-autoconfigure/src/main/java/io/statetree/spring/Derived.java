package io.statetree.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a bean method whose return value is kept written at a path, recomputed whenever its
 * sources change (see {@link io.statetree.core.StateController#derive}).
 * <pre class="code">
 * &#64;Derived(path = "/stats/admins", sources = "/users")
 * long admins(Map&lt;String, User&gt; users) { ... }
 *
 * &#64;Derived(path = "/stats/summary", sources = { "/users", "/posts" })
 * Summary summary(DeriveData data) { ... }
 *
 * &#64;Derived(path = "/greeting")
 * String greeting(StateView state) { return "Hello " + state.get("/config/name"); }
 * </pre>
 * <p>
 * With {@link #sources()}, the method either has one parameter per source, in order, each
 * receiving that source's value converted to the parameter's type with the application's Jackson
 * {@code JsonMapper}, or a single {@link io.statetree.core.DeriveData} parameter. Without sources,
 * the method takes a single {@link io.statetree.core.StateView}, and the paths it reads through it
 * are its dependencies, recorded on every run. The method must return a value; {@code null}
 * deletes the destination.
 * <p>
 * With {@link #equality()}, a recomputation that a bean of the application says is equal to the
 * stored value writes nothing (no change in the commit, no event): the bean is a
 * {@code java.util.function.BiPredicate<Object, Object>} receiving the stored (immutable) value and
 * the value the method returned (see {@link io.statetree.core.WriteOptions#equality}).
 * <pre class="code">
 * &#64;Derived(path = "/stats/load", sources = "/metrics", equality = "withinOnePercent")
 * double load(Metrics metrics) { ... }
 * </pre>
 * <p>
 * Derivations are registered once all singletons are created, computed once at registration,
 * and stopped when their bean is destroyed. A method that cannot be bound, or a derivation that
 * would form a cycle, fails the start of the application with a message naming the bean and the
 * method.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(StateMethodReflectiveProcessor.class)
public @interface Derived {

	/**
	 * The path the return value is written to.
	 * @return the destination path
	 */
	String path();

	/**
	 * The paths the method's parameters receive, in order.
	 * @return the sources; empty for a method taking a {@link io.statetree.core.StateView}
	 */
	String[] sources() default {};

	/**
	 * The name of a {@code BiPredicate<Object, Object>} bean deciding whether a recomputation
	 * equals the stored value, in which case nothing is written. A name that names no bean, or a
	 * bean of another type, fails the start of the application naming the method and the bean.
	 * @return the bean name; empty for JSON equality (the default)
	 */
	String equality() default "";

}
