package io.statetree.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds an {@link OnStateChange @OnStateChange} method parameter to the value before the change
 * (at the event's emitting path), converted to the parameter's type with the application's
 * Jackson {@code JsonMapper}; {@code null} when the value was absent.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OldValue {

}
