package io.statetree.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Binds an {@link OnStateChange @OnStateChange} method parameter to a variable captured by the
 * listener's pattern ({@code /users/{id}}), converted to the parameter's type with Spring's
 * conversion service. Every pattern of the method must declare the variable.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PathVar {

	/**
	 * The variable's name. Alias for {@link #name()}.
	 * @return the name; empty means the parameter's name (which needs {@code -parameters})
	 */
	@AliasFor("name")
	String value() default "";

	/**
	 * The variable's name. Alias for {@link #value()}.
	 * @return the name; empty means the parameter's name
	 */
	@AliasFor("value")
	String name() default "";

}
