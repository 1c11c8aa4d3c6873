package io.redmutex.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --wait}: a {@linkplain HumanDurations duration}, or {@code forever}. Forever is a null
 * value, so the default ({@code forever}) and an explicit {@code forever} behave the same.
 */
final class WaitConverter implements ITypeConverter<Duration> {
  static final String FOREVER = "forever";

  @Override
  public Duration convert(String value) {
    if (value.trim().toLowerCase(Locale.ROOT).equals(FOREVER)) {
      return null;
    }
    try {
      return HumanDurations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage() + ", or 'forever'");
    }
  }
}
