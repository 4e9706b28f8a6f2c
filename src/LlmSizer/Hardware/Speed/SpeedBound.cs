namespace LlmSizer.Hardware.Speed;

/// <summary>Which roof sets a phase's time: reading bytes from memory, or arithmetic.</summary>
public enum SpeedBound
{
    /// <summary>Time = bytes read / (bandwidth × efficiency) is the larger term.</summary>
    Memory,
    /// <summary>Time = operations / (peak throughput × efficiency) is the larger term.</summary>
    Compute,
}
