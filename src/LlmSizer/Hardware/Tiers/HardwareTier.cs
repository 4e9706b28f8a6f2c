namespace LlmSizer.Hardware.Tiers;

/// <summary>
/// A kind of hardware people buy to run models — desktop GPU, laptop GPU, Mac, workstation, server, CPU — as the catalog
/// devices it holds and how many of one device it may have (docs/METHOD.md, "Hardware tiers"). Defined in Hardware/tiers.json.
/// </summary>
/// <param name="Id">Key, lower-case with dashes (<c>desktop-gpu</c>).</param>
/// <param name="Name">Display name (<c>Desktop GPU</c>).</param>
/// <param name="Description">What machines it stands for, in words.</param>
/// <param name="MaxCount">The most of one device a machine of the tier holds (a desktop takes two cards, a server eight).</param>
/// <param name="Accelerated">False for the CPU tier: it runs a model, slowly, and is the cheapest tier only when no GPU tier runs it.</param>
/// <param name="Devices">The catalog devices of the tier, in catalog order.</param>
/// <param name="ChartDevices">A few of them, with counts, spanning the tier's memory sizes: the rows of a fit chart.</param>
public sealed record HardwareTier(
    string Id,
    string Name,
    string Description,
    int MaxCount,
    bool Accelerated,
    IReadOnlyList<DeviceSpec> Devices,
    IReadOnlyList<DeviceSelection> ChartDevices);
